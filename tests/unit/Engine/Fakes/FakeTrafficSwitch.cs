using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Tests.Unit.Engine.Fakes;

/// <summary>Remembers what the engine told the proxy; drains finish at once unless told otherwise; pushes the in-flight counts a test sets.</summary>
internal sealed class FakeTrafficSwitch : ITrafficSwitch, ITrafficWatch
{
    private readonly ConcurrentDictionary<string, (InFlight Blue, InFlight Green)> _inFlight = new();
    private readonly Lock _watchersGate = new();
    private readonly List<Channel<AppTrafficChange>> _watchers = [];

    private readonly ConcurrentDictionary<string, (IPEndPoint Listen, SlotPorts Ports, Slot? Active)> _apps = new();

    private readonly ConcurrentDictionary<string, ProxySpec> _proxies = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    public DrainOutcome NextDrain { get; set; } = new(0, 0, 0, TimeSpan.FromSeconds(1));

    public Slot? ActiveOf(string app) => _apps.TryGetValue(app, out var a) ? a.Active : null;

    public bool Serves(string app) => _apps.ContainsKey(app);

    public ProxySpec? ProxyOf(string app) => _proxies.GetValueOrDefault(app);

    public Task<string?> ServeAsync(string app, IPEndPoint listen, SlotPorts ports, ProxySpec proxy, CancellationToken cancellationToken)
    {
        _apps.AddOrUpdate(app, (listen, ports, null), (_, a) => (listen, ports, a.Active));
        _proxies[app] = proxy;
        Calls.Enqueue($"serve {app} {listen}");
        Push(app);
        return Task.FromResult<string?>(null);
    }

    public void Route(string app, Slot? slot)
    {
        _apps.AddOrUpdate(app, _ => throw new InvalidOperationException($"{app} is not served"), (_, a) => (a.Listen, a.Ports, slot));
        _splits.TryRemove(app, out _);
        Calls.Enqueue($"route {app} {slot?.ToString() ?? "none"}");
        Push(app);
    }

    private readonly ConcurrentDictionary<string, TrafficSplit> _splits = new();
    private readonly ConcurrentDictionary<string, (IPEndPoint Listen, Slot Slot)> _previews = new();
    private readonly ConcurrentDictionary<string, MaintenanceNotice> _maintenance = new();

    /// <summary>The app's current split, or null when one slot (or none) takes every request.</summary>
    public TrafficSplit? SplitOf(string app) => _splits.GetValueOrDefault(app);

    public (IPEndPoint Listen, Slot Slot)? PreviewOf(string app) => _previews.TryGetValue(app, out var p) ? p : null;

    public MaintenanceNotice? MaintenanceOf(string app) => _maintenance.GetValueOrDefault(app);

    public void Split(string app, TrafficSplit split)
    {
        if (!_apps.ContainsKey(app))
        {
            throw new InvalidOperationException($"{app} is not served");
        }

        _splits[app] = split;
        Calls.Enqueue($"split {app} {split.Canary} {split.CanaryPercent}%");
        Push(app);
    }

    public Task<string?> PreviewAsync(string app, IPEndPoint listen, Slot slot, CancellationToken cancellationToken)
    {
        _previews[app] = (listen, slot);
        Calls.Enqueue($"preview {app} {slot} {listen}");
        Push(app);
        return Task.FromResult<string?>(null);
    }

    public Task StopPreviewAsync(string app, CancellationToken cancellationToken)
    {
        if (_previews.TryRemove(app, out _))
        {
            Calls.Enqueue($"stop preview {app}");
            Push(app);
        }

        return Task.CompletedTask;
    }

    public void SetMaintenance(string app, MaintenanceNotice? notice)
    {
        if (notice is null)
        {
            _maintenance.TryRemove(app, out _);
        }
        else
        {
            _maintenance[app] = notice;
        }

        Calls.Enqueue($"maintenance {app} {(notice is null ? "off" : "on")}");
    }

    /// <summary>When set, drains wait for it: a test can act while a deployment is draining.</summary>
    public TaskCompletionSource? HoldDrains { get; set; }

    public async Task<DrainOutcome> DrainAsync(string app, Slot slot, DrainSpec drain, IProgress<DrainStatus>? progress, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"drain {app} {slot}");
        progress?.Report(new DrainStatus(1, 0, drain.Timeout, drain.WebSocketTimeout, TimeSpan.Zero));
        if (HoldDrains is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return NextDrain;
    }

    public Task StopServingAsync(string app, CancellationToken cancellationToken)
    {
        _apps.TryRemove(app, out _);
        Calls.Enqueue($"stop {app}");
        return Task.CompletedTask;
    }

    public AppTraffic? GetTraffic(string app)
    {
        if (!_apps.TryGetValue(app, out var a))
        {
            return null;
        }

        var (blue, green) = _inFlight.GetValueOrDefault(app);
        return new AppTraffic(a.Listen.ToString(), null, a.Active, a.Ports, blue, green)
        {
            Split = SplitOf(app),
            Preview = PreviewOf(app)?.Listen.ToString(),
        };
    }

    /// <summary>As if requests arrived or finished: the new counts are pushed to every watcher.</summary>
    public void SetInFlight(string app, InFlight blue, InFlight green)
    {
        _inFlight[app] = (blue, green);
        Push(app);
    }

    public async IAsyncEnumerable<AppTrafficChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<AppTrafficChange>();
        lock (_watchersGate)
        {
            _watchers.Add(channel);
        }

        try
        {
            foreach (var app in _apps.Keys)
            {
                Push(app, channel);
            }

            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_watchersGate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    private void Push(string app, Channel<AppTrafficChange>? only = null)
    {
        if (GetTraffic(app) is not { } traffic)
        {
            return;
        }

        lock (_watchersGate)
        {
            foreach (var watcher in only is null ? _watchers : [only])
            {
                watcher.Writer.TryWrite(new AppTrafficChange(app, traffic));
            }
        }
    }

    /// <summary>What <see cref="GetFigures"/> answers; a test scripts the proxy's counters here (none by default).</summary>
    public Func<string, TrafficFigures?> Figures { get; set; } = _ => null;

    public TrafficFigures? GetFigures(string app) => Figures(app);

    private readonly Channel<AppSeriesChange> _series = Channel.CreateUnbounded<AppSeriesChange>();

    /// <summary>As if one of the app's windows closed: the series is pushed to the (one) series watcher.</summary>
    public void CloseWindow(string app, TrafficSeries series) => _series.Writer.TryWrite(new AppSeriesChange(app, series));

    public IAsyncEnumerable<AppSeriesChange> WatchSeriesAsync(CancellationToken cancellationToken) => _series.Reader.ReadAllAsync(cancellationToken);
}
