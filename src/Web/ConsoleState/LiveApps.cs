using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Healing;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;

namespace Cutover.Web.ConsoleState;

/// <summary>
/// One circuit's live view of every application: a snapshot read once, then kept current from the engine's
/// event stream. Components render <see cref="Apps"/> and re-render on <see cref="Changed"/>.
/// </summary>
/// <remarks>
/// SQLite is read for the snapshot and again only when an app's state really changes (a step of a deployment,
/// a new apps.yaml); health results and drain progress come from the events themselves, and the in-flight
/// counts from the proxy's in-memory counters once a second.
/// </remarks>
public sealed partial class LiveApps(
    AppStatusReader reader,
    DeploymentStore deployments,
    HealthStore health,
    SelfHealer healer,
    ITrafficSwitch traffic,
    EngineEventStream events,
    TimeProvider time,
    ILogger<LiveApps> logger) : IAsyncDisposable
{
    /// <summary>How many health results each card keeps for its small chart.</summary>
    public const int LatencyWindow = 30;

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Dictionary<string, AppCardState> _apps = new(StringComparer.Ordinal);
    private Task? _pump;

    /// <summary>Raised after the state changed; handlers run on the engine's threads and must marshal to render.</summary>
    public event Action? Changed;

    public bool Loaded { get; private set; }

    public string? LoadError { get; private set; }

    public IReadOnlyList<AppCardState> Apps
    {
        get
        {
            lock (_gate)
            {
                return _apps.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public AppCardState? Get(string app)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault(app);
        }
    }

    /// <summary>Subscribes, then reads the snapshot, so that nothing between the two is lost. Safe to call twice.</summary>
    public async Task StartAsync()
    {
        if (_pump is not null)
        {
            return;
        }

        var subscription = events.Subscribe();
        try
        {
            await ReloadAsync(_stop.Token);
            Loaded = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LoadError = ex.Message;
            Log.LoadFailed(logger, ex);
        }

        _pump = Task.WhenAll(PumpAsync(subscription, _stop.Token), RefreshInFlightAsync(_stop.Token));
        Changed?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pump is not null)
        {
            try
            {
                await _pump;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<string, AppCardState>(StringComparer.Ordinal);
        foreach (var status in await reader.ListAsync(cancellationToken))
        {
            loaded[status.Name] = await LoadAppAsync(status, cancellationToken);
        }

        lock (_gate)
        {
            _apps = loaded;
        }
    }

    private async Task<AppCardState> LoadAppAsync(AppStatus status, CancellationToken cancellationToken)
    {
        var recent = await deployments.ListAsync(status.Name, null, 0, 10, cancellationToken);
        var running = recent.Items.FirstOrDefault(d => !d.Status.IsTerminal() && d.Id == status.RunningDeploymentId);
        var last = recent.Items.FirstOrDefault(d => d.Status.IsTerminal());
        var checks = status.ActiveSlot is { } active
            ? await health.ListAsync(status.Name, active, LatencyWindow, cancellationToken)
            : [];
        // Checks of a deployment's health gate are the new container starting up, not how the serving one is doing.
        var latencies = checks.Where(c => c.DeploymentId is null).OrderBy(c => c.Id)
            .Select(c => c.ToResult())
            .ToArray();
        return new AppCardState(status, latencies, running, last, null, healer.LatestOf(status.Name));
    }

    private async Task PumpAsync(EngineEventSubscription subscription, CancellationToken cancellationToken)
    {
        using (subscription)
        {
            await foreach (var engineEvent in subscription.ReadAllAsync(cancellationToken))
            {
                try
                {
                    if (await ApplyAsync(engineEvent, cancellationToken))
                    {
                        Changed?.Invoke();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed refresh leaves the last state on screen; the next event tries again.
                    Log.ApplyFailed(logger, engineEvent.GetType().Name, ex);
                }
            }
        }
    }

    private async Task<bool> ApplyAsync(EngineEvent engineEvent, CancellationToken cancellationToken)
    {
        switch (engineEvent)
        {
            case DeploymentChanged { Deployment: var d }:
                var status = await reader.GetAsync(d.App, cancellationToken);
                // A release someone deployed replaces what self-healing last said (healing's own deployments report through AppHealed).
                return Update(d.App, card => status is null ? card : d.Status.IsTerminal()
                    ? card with
                    {
                        Status = status, Running = null, Last = d, Drain = null,
                        Healing = d.Status == DeploymentStatus.Completed && d.RequestedBy != SelfHealer.Requester ? null : card.Healing,
                    }
                    : card with { Status = status, Running = d });
            case AppHealed h:
                return Update(h.App, card => card with { Healing = h });
            case HealthChecked h:
                return Update(h.App, card => card.Status.ActiveSlot != h.Slot || h.DeploymentId is not null ? card : card with
                {
                    Latencies = [.. card.Latencies.TakeLast(LatencyWindow - 1), h.Result],
                    Status = card.Status with { Health = h.Result.Healthy ? "healthy" : "unhealthy" },
                });
            case DrainProgressed p:
                return Update(p.App, card => card with { Drain = p.Status });
            case ConfigApplied { Accepted: true }:
                await ReloadAsync(cancellationToken);
                return true;
            default:
                return false;
        }
    }

    private bool Update(string app, Func<AppCardState, AppCardState> change)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(app, out var card))
            {
                return false;
            }

            var next = change(card);
            _apps[app] = next;
            return !ReferenceEquals(next, card);
        }
    }

    private async Task RefreshInFlightAsync(CancellationToken cancellationToken)
    {
        // The proxy's counters are in memory and change with every request: sampling them is cheaper than an event each.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var changed = false;
            foreach (var app in Apps)
            {
                if (traffic.GetTraffic(app.Name) is not { } served)
                {
                    continue;
                }

                changed |= Update(app.Name, card =>
                {
                    var slots = card.Status.Slots.Select(s => s with { InFlight = served.Of(s.Slot) }).ToArray();
                    var total = new InFlight(slots.Sum(s => s.InFlight.Requests), slots.Sum(s => s.InFlight.Sockets));
                    return total == card.Status.InFlight && slots.SequenceEqual(card.Status.Slots)
                        ? card
                        : card with { Status = card.Status with { InFlight = total, Slots = slots } };
                });
            }

            if (changed)
            {
                Changed?.Invoke();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "The console could not read the applications")]
        public static partial void LoadFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "The console could not apply a {Event} event")]
        public static partial void ApplyFailed(ILogger logger, string @event, Exception exception);
    }
}
