using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Cutover.Proxy.Maintenance;
using Cutover.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cutover.Proxy;

/// <remarks>
/// Maintenance is checked first on each new request of an app's production listener, before any route is read:
/// whatever slot is routed (or split), the answer is the app's 503. Requests already forwarded are not touched.
/// The notices are kept by app name, apart from the served apps, so that a notice set before the app is served
/// (a start restoring it) or kept across the app leaving and coming back in apps.yaml still applies.
/// </remarks>
public sealed partial class TrafficRouter
{
    // Swapped atomically like the app table: the request path reads it without a lock, and an empty table costs nothing.
    private ImmutableDictionary<string, MaintenancePage> _maintenance = ImmutableDictionary.Create<string, MaintenancePage>(StringComparer.Ordinal);
    private ImmutableDictionary<string, MaintenanceCount> _maintenanceAnswers = ImmutableDictionary.Create<string, MaintenanceCount>(StringComparer.Ordinal);

    /// <summary>Puts an application in maintenance (every new request answered 503 with <paramref name="page"/>), or lifts it with null.</summary>
    public void SetMaintenance(string appName, MaintenancePage? page)
    {
        ImmutableInterlocked.Update(ref _maintenance, static (notices, set) => set.Page is null ? notices.Remove(set.App) : notices.SetItem(set.App, set.Page), (App: appName, Page: page));
        if (page is null)
        {
            Log.MaintenanceLifted(_logger, appName);
        }
        else
        {
            Log.MaintenanceSet(_logger, appName, page.RetryAfterSeconds);
        }
    }

    /// <summary>The application's maintenance notice, or null when it serves normally.</summary>
    public MaintenancePage? GetMaintenance(string appName) => _maintenance.GetValueOrDefault(appName);

    /// <summary>How many requests the application's maintenance answered since this process started; not counted as any slot's answers.</summary>
    public long GetMaintenanceAnswers(string appName) => _maintenanceAnswers.TryGetValue(appName, out var count) ? count.Value : 0;

    /// <summary>The request path of an app's production listener: maintenance first, else forwarded to the routed slot.</summary>
    private Task MaintenanceOrForwardAsync(ProxiedApp app, HttpContext context)
    {
        if (_maintenance.IsEmpty || !_maintenance.TryGetValue(app.Config.App, out var page))
        {
            return _forwarder.ForwardAsync(app, context);
        }

        // Counted apart from the slots: analysis of a new slot must not read the maintenance 503s as its own failures.
        ImmutableInterlocked.GetOrAdd(ref _maintenanceAnswers, app.Config.App, static _ => new MaintenanceCount()).Increment();
        return MaintenanceAnswer.WriteAsync(context, app.Config.App, page);
    }

    private void AddMaintenanceMetrics(IMeterFactory meters) =>
        meters.Create(Telemetry.ProxyMetrics.MeterName).CreateObservableCounter(
            "cutover.proxy.maintenance",
            () => _maintenanceAnswers.Select(a => new Measurement<long>(a.Value.Value, new KeyValuePair<string, object?>("app", a.Key))),
            "{request}",
            "Requests answered 503 by an app's maintenance, apart from the slots' answers.");

    private sealed class MaintenanceCount
    {
        private long _value;

        public long Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Proxy for {App} in maintenance: new requests answered 503 (Retry-After {RetryAfterSeconds}s)")]
        public static partial void MaintenanceSet(ILogger logger, string app, int? retryAfterSeconds);

        [LoggerMessage(21, LogLevel.Information, "Proxy for {App} out of maintenance")]
        public static partial void MaintenanceLifted(ILogger logger, string app);
    }
}
