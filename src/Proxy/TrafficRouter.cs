using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Net;
using System.Runtime.CompilerServices;
using Cutover.Proxy.Draining;
using Cutover.Proxy.Forwarding;
using Cutover.Proxy.Listeners;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Cutover.Proxy.Traffic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Proxy;

/// <summary>
/// The data plane's single entry point: which applications are served where, which slot each one routes to (or
/// how it shares new requests between both), preview listeners, draining a slot, and the live traffic counts.
/// </summary>
/// <remarks>
/// Reads (every request) are lock-free over an immutable app table swapped atomically; writes (config,
/// listeners) are serialised by one gate so that two reloads never race on the same port.
/// </remarks>
public sealed partial class TrafficRouter : IAsyncDisposable
{
    private readonly AppRequestForwarder _forwarder;
    private readonly SlotDrainer _drainer;
    private readonly IServiceProvider _services;
    private readonly SharedListenSockets _sockets;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TrafficRouter> _logger;
    private readonly SemaphoreSlim _configGate = new(1, 1);
    private readonly ChangeSignal _changed = new();
    private readonly ProxyMetrics _metrics;
    private bool _stopping;
    private ImmutableDictionary<string, ProxiedApp> _apps = ImmutableDictionary<string, ProxiedApp>.Empty;

    internal TrafficRouter(
        AppRequestForwarder forwarder,
        IServiceProvider services,
        SharedListenSockets sockets,
        IOptions<ProxyOptions> options,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<TrafficRouter> logger)
    {
        _forwarder = forwarder;
        _services = services;
        _sockets = sockets;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _drainer = new SlotDrainer(time);
        _metrics = new ProxyMetrics(meters, () => _apps.Values);
        AddMaintenanceMetrics(meters);
    }

    /// <summary>Adds an application or applies a changed config to it, (re)binding its listener when the address changed.</summary>
    /// <returns>The application's snapshot; a listener that could not bind is reported in <see cref="AppTrafficSnapshot.ListenerError"/>.</returns>
    public async Task<AppTrafficSnapshot> UpsertAsync(AppProxyConfig config, CancellationToken cancellationToken = default)
    {
        await _configGate.WaitAsync(cancellationToken);
        try
        {
            if (!_apps.TryGetValue(config.App, out var app))
            {
                app = new ProxiedApp(config, _changed, new AppTelemetry(config.App, _time, _metrics));
                await BindAsync(app, cancellationToken);
                ImmutableInterlocked.Update(ref _apps, static (apps, a) => apps.SetItem(a.Config.App, a), app);
            }
            else
            {
                var moved = !config.Listen.Equals(app.Config.Listen);
                app.Reconfigure(config);
                if (moved || app.Listener is null)
                {
                    await UnbindAsync(app, cancellationToken);
                    await BindAsync(app, cancellationToken);
                }
            }

            _changed.Notify();
            return Snapshot(app);
        }
        finally
        {
            _configGate.Release();
        }
    }

    /// <summary>Stops an application's listener (open connections get the shutdown timeout) and forgets it.</summary>
    public async Task RemoveAsync(string appName, CancellationToken cancellationToken = default)
    {
        await _configGate.WaitAsync(cancellationToken);
        try
        {
            if (_apps.TryGetValue(appName, out var app))
            {
                ImmutableInterlocked.TryRemove(ref _apps, appName, out _);
                await UnbindPreviewAsync(app, cancellationToken);
                await UnbindAsync(app, cancellationToken);
                Log.AppRemoved(_logger, appName);
                _changed.Notify();
            }
        }
        finally
        {
            _configGate.Release();
        }
    }

    /// <summary>Sends the application's new requests to <paramref name="slot"/> from now on; null answers 503.</summary>
    public void Switch(string appName, Slot? slot)
    {
        var app = Get(appName);
        app.Switch(slot);
        Log.Switched(_logger, appName, slot);
    }

    /// <summary>Shares the application's new requests between its two slots from now on, until the next switch or split.</summary>
    /// <exception cref="ArgumentException">Both sides are the same slot, or the share is not 0-100.</exception>
    public void Split(string appName, RouteSplit split)
    {
        var app = Get(appName);
        app.Split(split);
        Log.SplitRouted(_logger, appName, split.Canary, split.CanaryPercent, split.Stable, split.Sticky);
    }

    /// <summary>Opens (or moves) the application's preview listener, which sends every request to <paramref name="slot"/>.</summary>
    /// <remarks>
    /// Called again on the same address, it only changes the slot. Production routing is untouched; preview
    /// requests are counted and measured on the slot they reach.
    /// </remarks>
    /// <returns>Null when listening, or why the address could not be bound.</returns>
    public async Task<string?> PreviewAsync(string appName, IPEndPoint listen, Slot slot, CancellationToken cancellationToken = default)
    {
        await _configGate.WaitAsync(cancellationToken);
        try
        {
            var app = Get(appName);
            app.PreviewSlot = slot;
            if (app.PreviewListener is not null && listen.Equals(app.PreviewRequested))
            {
                _changed.Notify();
                return null;
            }

            await UnbindPreviewAsync(app, cancellationToken);
            if (_stopping)
            {
                return $"Cannot open the preview of '{appName}' on {listen}: the host is stopping.";
            }

            try
            {
                app.PreviewListener = await AppListener.StartAsync(listen, ctx => _forwarder.ForwardPreviewAsync(app, ctx), _services, _sockets, cancellationToken);
                app.PreviewRequested = listen;
                Log.PreviewListening(_logger, appName, app.PreviewListener.BoundTo.ToString(), slot);
                return null;
            }
            catch (ListenerBindException ex)
            {
                Log.PreviewBindFailed(_logger, appName, ex.Message);
                return $"Cannot open the preview of '{appName}': {ex.Message}";
            }
            finally
            {
                _changed.Notify();
            }
        }
        finally
        {
            _configGate.Release();
        }
    }

    /// <summary>Closes the application's preview listener, if it has one: its open requests get the listener shutdown timeout.</summary>
    public async Task StopPreviewAsync(string appName, CancellationToken cancellationToken = default)
    {
        await _configGate.WaitAsync(cancellationToken);
        try
        {
            if (_apps.TryGetValue(appName, out var app) && app.PreviewListener is not null)
            {
                await UnbindPreviewAsync(app, cancellationToken);
                Log.PreviewStopped(_logger, appName);
                _changed.Notify();
            }
        }
        finally
        {
            _configGate.Release();
        }
    }

    /// <summary>Waits for a slot to empty; what outlives its deadline is aborted and counted.</summary>
    /// <exception cref="InvalidOperationException">The slot still receives new requests, routed or by a share of a split (switch away first).</exception>
    public Task<DrainResult> DrainAsync(
        string appName,
        Slot slot,
        DrainTimeouts timeouts,
        IProgress<DrainProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var app = Get(appName);
        if (app.Route.Serves(slot))
        {
            throw new InvalidOperationException(app.Route.Split is null
                ? $"Cannot drain the {slot} slot of '{appName}': it is the active slot."
                : $"Cannot drain the {slot} slot of '{appName}': it still gets a share of new requests.");
        }

        return _drainer.DrainAsync(appName, app.TargetOf(slot), timeouts, progress, cancellationToken);
    }

    /// <summary>
    /// The host's own stop: every listener stops accepting at once, and what is in flight finishes within its
    /// app's drain timeouts (requests, then upgraded connections), as when a slot drains. Routes stay as they are.
    /// </summary>
    /// <param name="timeoutsOf">Each app's drain timeouts, by app name.</param>
    public async Task StopAcceptingAsync(Func<string, DrainTimeouts> timeoutsOf, CancellationToken cancellationToken = default)
    {
        // Held to the end: no reload binds a listener again while the host stops.
        await _configGate.WaitAsync(cancellationToken);
        try
        {
            _stopping = true;
            var stopping = _apps.Values.Where(a => a.Listener is not null || a.PreviewListener is not null).ToArray();
            Log.StoppingListeners(_logger, stopping.Length);
            await Task.WhenAll(stopping.Select(a => StopAcceptingAsync(a, timeoutsOf(a.Config.App), cancellationToken)));
        }
        finally
        {
            _configGate.Release();
        }
    }

    public bool Contains(string appName) => _apps.ContainsKey(appName);

    public AppTrafficSnapshot GetSnapshot(string appName) => Snapshot(Get(appName));

    /// <summary>The config the application is served with now.</summary>
    public AppProxyConfig GetConfig(string appName) => Get(appName).Config;

    /// <summary>The application's traffic figures per slot: answers by status, proxy errors, latencies over the last minute, bytes, sockets.</summary>
    /// <remarks>
    /// Cheap enough to call on every read (it merges six windows of 104 buckets per slot for the last minute, and
    /// the ring's 90 for the latencies since the start: tens of microseconds); nothing here polls.
    /// </remarks>
    public AppTelemetrySnapshot GetTelemetry(string appName)
    {
        var app = Get(appName);
        return new AppTelemetrySnapshot(
            appName,
            app.Telemetry.NoBackend,
            app.Telemetry.Blue.Snapshot(app.Blue.Counts),
            app.Telemetry.Green.Snapshot(app.Green.Counts));
    }

    /// <summary>A slot's last 15 minutes in 10-second points (requests, errors, p95), oldest first, for charts.</summary>
    public IReadOnlyList<TrafficPoint> GetTrafficSeries(string appName, Slot slot) => Get(appName).Telemetry.Of(slot).Series();

    public IReadOnlyList<AppTrafficSnapshot> GetSnapshot() =>
        _apps.Values.OrderBy(a => a.Config.App, StringComparer.Ordinal).Select(Snapshot).ToArray();

    /// <summary>The current state of every application, then each application again whenever it changes.</summary>
    /// <param name="coalesce">Changes closer together than this are reported once (traffic changes on every request).</param>
    public async IAsyncEnumerable<AppTrafficSnapshot> WatchAsync(
        TimeSpan coalesce,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new Dictionary<string, AppTrafficSnapshot>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = _changed.NextAsync();
            foreach (var snapshot in GetSnapshot())
            {
                if (!seen.TryGetValue(snapshot.App, out var before) || before != snapshot)
                {
                    seen[snapshot.App] = snapshot;
                    yield return snapshot;
                }
            }

            await next.WaitAsync(cancellationToken);
            if (coalesce > TimeSpan.Zero)
            {
                await Task.Delay(coalesce, _time, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.Listener is { } listener)
            {
                await listener.DisposeAsync();
            }

            if (app.PreviewListener is { } preview)
            {
                await preview.DisposeAsync();
            }
        }

        _apps = ImmutableDictionary<string, ProxiedApp>.Empty;
    }

    private ProxiedApp Get(string appName) =>
        _apps.TryGetValue(appName, out var app) ? app : throw new KeyNotFoundException($"The proxy does not serve an application named '{appName}'.");

    private async Task BindAsync(ProxiedApp app, CancellationToken cancellationToken)
    {
        if (_stopping)
        {
            // A reload that raced the host's stop: this host accepts nothing new any more.
            return;
        }

        try
        {
            app.Listener = await AppListener.StartAsync(app.Config.Listen, ctx => MaintenanceOrForwardAsync(app, ctx), _services, _sockets, cancellationToken);
            app.ListenerError = null;
            Log.Listening(_logger, app.Config.App, app.Listener.BoundTo.ToString());
        }
        catch (ListenerBindException ex)
        {
            app.Listener = null;
            app.ListenerError = ex.Message;
            Log.BindFailed(_logger, app.Config.App, ex.Message);
        }
    }

    private async Task StopAcceptingAsync(ProxiedApp app, DrainTimeouts timeouts, CancellationToken cancellationToken)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cut.CancelAfter(timeouts.Longest + SlotDrainer.AbortGrace);
        var stopped = Task.WhenAll(new[] { app.Listener, app.PreviewListener }.OfType<AppListener>().Select(l => l.StopAsync(cut.Token)));
        // The drainers cut requests and upgraded connections at their own deadlines; Kestrel closes the connections.
        var drained = await Task.WhenAll(
            _drainer.DrainAsync(app.Config.App, app.Blue, timeouts, null, cancellationToken),
            _drainer.DrainAsync(app.Config.App, app.Green, timeouts, null, cancellationToken));
        await stopped;
        Log.StoppedAccepting(
            _logger,
            app.Config.App,
            drained.Sum(d => d.RequestsAborted),
            drained.Sum(d => d.SocketsAborted),
            drained.Max(d => d.Elapsed).TotalSeconds);
    }

    private async Task UnbindAsync(ProxiedApp app, CancellationToken cancellationToken)
    {
        if (app.Listener is not { } listener)
        {
            return;
        }

        app.Listener = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ListenerShutdownTimeout);
        await listener.StopAsync(timeout.Token);
        await listener.DisposeAsync();
    }

    private async Task UnbindPreviewAsync(ProxiedApp app, CancellationToken cancellationToken)
    {
        if (app.PreviewListener is not { } listener)
        {
            return;
        }

        app.PreviewListener = null;
        app.PreviewRequested = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ListenerShutdownTimeout);
        await listener.StopAsync(timeout.Token);
        await listener.DisposeAsync();
    }

    private static AppTrafficSnapshot Snapshot(ProxiedApp app)
    {
        var route = app.Route;
        var preview = app.PreviewListener;
        return new(app.Config.App, app.Listener?.BoundTo.ToString(), app.ListenerError, route.Active?.Slot, app.Blue.Counts, app.Green.Counts)
        {
            Split = route.Split?.Split,
            Preview = preview?.BoundTo.ToString(),
            PreviewSlot = preview is null ? null : app.PreviewSlot,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Proxy for {App} listening on {Address}")]
        public static partial void Listening(ILogger logger, string app, string address);

        [LoggerMessage(2, LogLevel.Error, "Proxy for {App} cannot listen: {Reason}")]
        public static partial void BindFailed(ILogger logger, string app, string reason);

        [LoggerMessage(3, LogLevel.Information, "Proxy for {App} now routes to {Slot}")]
        public static partial void Switched(ILogger logger, string app, Slot? slot);

        [LoggerMessage(4, LogLevel.Information, "Proxy for {App} removed")]
        public static partial void AppRemoved(ILogger logger, string app);

        [LoggerMessage(5, LogLevel.Information, "Stopping: {Count} app listeners no longer accept; draining what is in flight")]
        public static partial void StoppingListeners(ILogger logger, int count);

        [LoggerMessage(7, LogLevel.Information, "Proxy for {App} now sends {CanaryPercent}% of new requests to {Canary} and the rest to {Stable} (sticky: {Sticky})")]
        public static partial void SplitRouted(ILogger logger, string app, Slot canary, int canaryPercent, Slot stable, bool sticky);

        [LoggerMessage(8, LogLevel.Information, "Preview of {App} listening on {Address}, serving {Slot}")]
        public static partial void PreviewListening(ILogger logger, string app, string address, Slot slot);

        [LoggerMessage(9, LogLevel.Error, "Preview of {App} cannot listen: {Reason}")]
        public static partial void PreviewBindFailed(ILogger logger, string app, string reason);

        [LoggerMessage(10, LogLevel.Information, "Preview of {App} closed")]
        public static partial void PreviewStopped(ILogger logger, string app);

        [LoggerMessage(6, LogLevel.Information, "Proxy for {App} stopped after {Seconds:0.0}s; {RequestsAborted} requests and {SocketsAborted} upgraded connections cut at their deadlines")]
        public static partial void StoppedAccepting(ILogger logger, string app, long requestsAborted, long socketsAborted, double seconds);
    }
}
