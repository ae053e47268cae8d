using System.Collections.Immutable;
using System.Globalization;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Maintenance;

/// <summary>Turns an application's maintenance on and off: kept in SQLite, carried out by the proxy, audited and published.</summary>
/// <remarks>
/// Maintenance sits above routing: deployments, rollbacks and self-healing go on underneath it (the slot they
/// route to is what serves once it is lifted), and it is never lifted by anything but an operator.
/// </remarks>
public sealed partial class AppMaintenance(
    AppsConfigMonitor config,
    MaintenanceStore store,
    ITrafficSwitch traffic,
    AuditLog audit,
    EngineEventStream events,
    TimeProvider time,
    ILogger<AppMaintenance> logger)
{
    public const string OnAction = "app.maintenance_on";

    public const string OffAction = "app.maintenance_off";

    // One change at a time: SQLite, the proxy and the memory agree after each.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableDictionary<string, MaintenanceState> _states = ImmutableDictionary.Create<string, MaintenanceState>(StringComparer.Ordinal);

    /// <summary>The application's maintenance, or null when it serves normally.</summary>
    public MaintenanceState? Get(string app) => _states.GetValueOrDefault(app);

    /// <summary>Sets every stored notice on the proxy again: called with the routes at start, before anything is served to clients.</summary>
    /// <remarks>Apps no longer in apps.yaml keep theirs too, so that one coming back is still in maintenance until lifted.</remarks>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, MaintenanceState> stored;
        try
        {
            stored = await store.GetAllAsync(cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // Taking over from a release before maintenance, on its unmigrated database: it cannot have put any app in maintenance.
            return;
        }

        foreach (var (app, state) in stored)
        {
            traffic.SetMaintenance(app, NoticeOf(state));
            Log.Restored(logger, app, state.Since);
        }

        _states = stored.ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>Puts the application in maintenance, or changes the notice of one that already is.</summary>
    /// <exception cref="MaintenanceRequestException">apps.yaml has no such application, or the message or the Retry-After is out of bounds.</exception>
    public async Task<MaintenanceOutcome> TurnOnAsync(string app, string? message, TimeSpan? retryAfter, string by, string? address, CancellationToken cancellationToken)
    {
        if (!config.Current.Apps.ContainsKey(app))
        {
            throw new MaintenanceRequestException(Refusal.UnknownApp(app));
        }

        if ((MaintenanceRules.CheckMessage(message) ?? MaintenanceRules.CheckRetryAfter(retryAfter)) is { } refusal)
        {
            throw new MaintenanceRequestException(new Refusal(RefusalKind.Invalid, refusal));
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var before = Get(app);
            // Since stays when the notice is changed: it says how long the app has been unavailable.
            var state = new MaintenanceState(MaintenanceRules.Normalize(message), MaintenanceRules.Seconds(retryAfter), before?.Since ?? time.GetUtcNow(), by);
            await store.SetAsync(app, state, cancellationToken);
            traffic.SetMaintenance(app, NoticeOf(state));
            _states = _states.SetItem(app, state);

            var detail = (before is null ? "new requests answered 503" : "notice changed") + $"; {Describe(state)}";
            await audit.AppendAsync(by, OnAction, "ok", app, detail, CancellationToken.None, address: address);
            events.Publish(new MaintenanceChanged(time.GetUtcNow(), app, state));
            Log.TurnedOn(logger, app, by, before is not null);
            return new MaintenanceOutcome(app, state, Changed: true, before is null ? $"{app} is in maintenance: {detail}." : $"{app} was already in maintenance; {detail}.");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lifts the application's maintenance; lifting one that is not in maintenance changes nothing and says so.</summary>
    /// <exception cref="MaintenanceRequestException">apps.yaml has no such application, and it is not in maintenance either.</exception>
    public async Task<MaintenanceOutcome> TurnOffAsync(string app, string by, string? address, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Get(app) is not { } before)
            {
                return config.Current.Apps.ContainsKey(app)
                    ? new MaintenanceOutcome(app, null, Changed: false, $"{app} is not in maintenance; nothing changed.")
                    : throw new MaintenanceRequestException(Refusal.UnknownApp(app));
            }

            await store.RemoveAsync(app, cancellationToken);
            traffic.SetMaintenance(app, null);
            _states = _states.Remove(app);

            var lasted = time.GetUtcNow() - before.Since;
            var detail = $"in maintenance since {before.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC ({Lasted(lasted)}), turned on by {before.By}";
            await audit.AppendAsync(by, OffAction, "ok", app, detail, CancellationToken.None, address: address);
            events.Publish(new MaintenanceChanged(time.GetUtcNow(), app, null));
            Log.TurnedOff(logger, app, by);
            return new MaintenanceOutcome(app, null, Changed: true, $"{app} is out of maintenance after {Lasted(lasted)}; requests go to its routed slot again.");
        }
        finally
        {
            _gate.Release();
        }
    }

    private static MaintenanceNotice NoticeOf(MaintenanceState state) =>
        new(state.Message, state.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);

    private static string Describe(MaintenanceState state) =>
        (state.Message is { } message ? $"message \"{message}\"" : "the generic message")
        + (state.RetryAfterSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $", Retry-After {seconds}s") : ", no Retry-After");

    private static string Lasted(TimeSpan lasted) =>
        lasted < TimeSpan.FromMinutes(1) ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)lasted.TotalSeconds)}s")
        : lasted < TimeSpan.FromHours(1) ? string.Create(CultureInfo.InvariantCulture, $"{(int)lasted.TotalMinutes}m")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)lasted.TotalHours}h {lasted.Minutes}m");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{App} in maintenance at the request of {By} (notice changed: {Changed}): its listener answers 503")]
        public static partial void TurnedOn(ILogger logger, string app, string by, bool changed);

        [LoggerMessage(2, LogLevel.Information, "{App} out of maintenance at the request of {By}")]
        public static partial void TurnedOff(ILogger logger, string app, string by);

        [LoggerMessage(3, LogLevel.Warning, "{App} is still in maintenance (since {Since:u}): its listener answers 503 until it is lifted")]
        public static partial void Restored(ILogger logger, string app, DateTimeOffset since);
    }
}

/// <summary>What a maintenance request did.</summary>
/// <param name="Maintenance">The app's maintenance now; null when it serves normally.</param>
/// <param name="Changed">False when nothing had to change (lifting maintenance that was not on).</param>
/// <param name="Detail">A sentence for the operator.</param>
public sealed record MaintenanceOutcome(string App, MaintenanceState? Maintenance, bool Changed, string Detail);
