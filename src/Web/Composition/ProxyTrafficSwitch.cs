using System.Net;
using System.Runtime.CompilerServices;
using Cutover.Engine.Configuration;
using Cutover.Engine.Traffic;
using Cutover.Proxy;
using Cutover.Proxy.Draining;
using Cutover.Proxy.Forwarding;
using Cutover.Proxy.Maintenance;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Cutover.Proxy.Traffic;
using EngineSlot = Cutover.Engine.Model.Slot;
using ProxySlot = Cutover.Proxy.Routing.Slot;

namespace Cutover.Web.Composition;

/// <summary>The engine's traffic switch and traffic watch, carried out by Cutover's proxy: the one place the two meet.</summary>
internal sealed class ProxyTrafficSwitch(TrafficRouter router, TimeProvider time) : ITrafficSwitch, ITrafficWatch
{
    // Past the boundary by this much, the proxy has surely moved on to the next window.
    private static readonly TimeSpan PastBoundary = TimeSpan.FromMilliseconds(50);

    private static readonly double[] LatencyEdgesMs = [.. CumulativeLatency.EdgesMicroseconds.Select(us => us / 1000.0)];

    public async Task<string?> ServeAsync(string app, IPEndPoint listen, SlotPorts ports, ProxySpec proxy, CancellationToken cancellationToken)
    {
        var config = new AppProxyConfig(app, listen, ports.Blue, ports.Green, proxy.IdleTimeout)
        {
            TrustedProxies = proxy.TrustedProxies.Count == 0 ? TrustedProxies.None : new TrustedProxies(proxy.TrustedProxies),
        };
        var snapshot = await router.UpsertAsync(config, cancellationToken);
        return snapshot.ListenerError;
    }

    public void Route(string app, EngineSlot? slot) => router.Switch(app, ToProxy(slot));

    public void Split(string app, TrafficSplit split) =>
        router.Split(app, new RouteSplit(ToProxy(split.Stable)!.Value, ToProxy(split.Canary)!.Value, split.CanaryPercent, split.Sticky));

    public async Task<string?> PreviewAsync(string app, IPEndPoint listen, EngineSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            return await router.PreviewAsync(app, listen, ToProxy(slot)!.Value, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            // The engine serves an app before previewing it; a reason beats an exception in the deployment's flow.
            return $"Cannot open the preview of '{app}' on {listen}: the proxy does not serve it.";
        }
    }

    public Task StopPreviewAsync(string app, CancellationToken cancellationToken) => router.StopPreviewAsync(app, cancellationToken);

    // Contract of issue 12: implemented by the maintenance work.

    public void SetMaintenance(string app, MaintenanceNotice? notice) => router.SetMaintenance(
        app,
        // Retry-After takes whole seconds; a fraction is rounded up so that no client is told to come back too soon.
        notice is null ? null : new MaintenancePage(notice.Message, notice.RetryAfter is { } after ? (int)Math.Ceiling(after.TotalSeconds) : null));

    public async Task<DrainOutcome> DrainAsync(string app, EngineSlot slot, DrainSpec drain, IProgress<DrainStatus>? progress, CancellationToken cancellationToken)
    {
        var relay = progress is null
            ? null
            : new RelayProgress(p => progress.Report(new DrainStatus(p.RequestsLeft, p.SocketsLeft, p.RequestTimeLeft, p.SocketTimeLeft, p.Elapsed)));
        var result = await router.DrainAsync(app, ToProxy(slot)!.Value, new DrainTimeouts(drain.Timeout, drain.WebSocketTimeout), relay, cancellationToken);
        return new DrainOutcome(result.RequestsAborted, result.SocketsAborted, result.Stragglers, result.Elapsed);
    }

    public Task StopServingAsync(string app, CancellationToken cancellationToken) => router.RemoveAsync(app, cancellationToken);

    public AppTraffic? GetTraffic(string app) => router.Contains(app) ? ToEngine(router.GetSnapshot(app)) : null;

    public async IAsyncEnumerable<AppTrafficChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var snapshot in router.WatchAsync(Cutover.Engine.Board.AppBoard.TrafficCoalescing, cancellationToken))
        {
            if (ToEngine(snapshot) is { } traffic)
            {
                yield return new AppTrafficChange(snapshot.App, traffic);
            }
        }
    }

    /// <remarks>
    /// The one clock behind every chart: it wakes as each of the proxy's windows closes and pushes the apps whose
    /// series changed, so no page or circuit runs a timer of its own.
    /// </remarks>
    public async IAsyncEnumerable<AppSeriesChange> WatchSeriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, TrafficSeries>(StringComparer.Ordinal);
        var ticksPerWindow = (long)(TrafficSeries.Window.TotalSeconds * time.TimestampFrequency);
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var snapshot in router.GetSnapshot())
            {
                var before = seen.GetValueOrDefault(snapshot.App);
                if (GetSeries(snapshot.App) is { } series && !series.SameAs(before) && !(series.IsQuiet && before is { IsQuiet: true }))
                {
                    seen[snapshot.App] = series;
                    yield return new AppSeriesChange(snapshot.App, series);
                }
            }

            var now = time.GetTimestamp();
            var untilClose = TimeSpan.FromSeconds((double)(ticksPerWindow - now % ticksPerWindow) / time.TimestampFrequency);
            await Task.Delay(untilClose + PastBoundary, time, cancellationToken);
        }
    }

    /// <summary>Both slots' closed windows, or null when the app is not served (any more).</summary>
    private TrafficSeries? GetSeries(string app)
    {
        try
        {
            return new TrafficSeries(Closed(router.GetTrafficSeries(app, ProxySlot.Blue)), Closed(router.GetTrafficSeries(app, ProxySlot.Green)));
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    // The proxy's last point is the window under way: half a window's count would read as a drop.
    private static TrafficSample[] Closed(IReadOnlyList<TrafficPoint> points) =>
        points.Take(points.Count - 1).Select(p => new TrafficSample(p.Start, p.Duration, p.Requests, p.Errors, p.P95Ms is { } p95 ? Math.Round(p95, 3) : null)).ToArray();

    /// <summary>The proxy's snapshot with the ports it forwards to, or null when the app was removed meanwhile.</summary>
    private AppTraffic? ToEngine(AppTrafficSnapshot snapshot)
    {
        AppProxyConfig config;
        try
        {
            config = router.GetConfig(snapshot.App);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }

        return new AppTraffic(
            snapshot.Listening,
            snapshot.ListenerError,
            ToEngine(snapshot.ActiveSlot),
            new SlotPorts(config.BluePort, config.GreenPort),
            new InFlight(snapshot.Blue.Requests, snapshot.Blue.Sockets),
            new InFlight(snapshot.Green.Requests, snapshot.Green.Sockets))
        {
            Split = snapshot.Split is { } split
                ? new TrafficSplit(ToEngine(split.Stable)!.Value, ToEngine(split.Canary)!.Value, split.CanaryPercent, split.Sticky)
                : null,
            Preview = snapshot.Preview,
        };
    }

    public TrafficFigures? GetFigures(string app)
    {
        if (!router.Contains(app))
        {
            return null;
        }

        AppTelemetrySnapshot telemetry;
        try
        {
            telemetry = router.GetTelemetry(app);
        }
        catch (KeyNotFoundException)
        {
            // Removed since Contains: an analysis reading it every interval must see "not served", not fail.
            return null;
        }

        return new TrafficFigures(telemetry.NoBackend, ToFigures(telemetry.Blue), ToFigures(telemetry.Green));
    }

    private static SlotTrafficFigures ToFigures(SlotTelemetrySnapshot slot) => new(
        slot.Requests,
        new RequestsByClass(slot.Classes.Informational, slot.Classes.Successful, slot.Classes.Redirection, slot.Classes.ClientError, slot.Classes.ServerError),
        new Cutover.Engine.Traffic.ProxyErrorCounts(slot.ProxyErrors.BadGateway, slot.ProxyErrors.ServiceUnavailable, slot.ProxyErrors.GatewayTimeout, slot.ProxyErrors.Other),
        slot.Aborted,
        new LatencySummary(slot.LastMinute.Count, Math.Round(slot.LastMinute.P50Ms, 3), Math.Round(slot.LastMinute.P95Ms, 3), Math.Round(slot.LastMinute.P99Ms, 3)),
        slot.BytesIn,
        slot.BytesOut)
    {
        Latency = slot.Latency is { } latency ? new LatencyHistogram(LatencyEdgesMs, latency.Counts) : null,
    };

    private static ProxySlot? ToProxy(EngineSlot? slot) => slot switch
    {
        EngineSlot.Blue => ProxySlot.Blue,
        EngineSlot.Green => ProxySlot.Green,
        _ => null,
    };

    private static EngineSlot? ToEngine(ProxySlot? slot) => slot switch
    {
        ProxySlot.Blue => EngineSlot.Blue,
        ProxySlot.Green => EngineSlot.Green,
        _ => null,
    };

    private sealed class RelayProgress(Action<DrainProgress> report) : IProgress<DrainProgress>
    {
        public void Report(DrainProgress value) => report(value);
    }
}
