using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Healing;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Board;

/// <summary>
/// The engine's one live picture of every application, in the shape of the Aspire dashboard's resource
/// subscription: a subscriber gets a snapshot and then the changes after it, all from one copy.
/// </summary>
/// <remarks>
/// SQLite is read when the board starts (at its first subscriber) and afterwards only for the one application
/// an event says changed (a deployment's step, a self-healing outcome), on a new apps.yaml and once after
/// reconciliation with Docker (which corrects containers without an event each); health results
/// and drain progress come from the events themselves, the in-flight counts from the proxy's pushes. Nothing
/// polls, and nothing is read per subscriber.
/// </remarks>
public sealed partial class AppBoard(
    AppsConfigMonitor config,
    AppStatusReader reader,
    DeploymentStore deployments,
    HealthStore health,
    SelfHealer healer,
    EngineEventStream events,
    ITrafficWatch traffic,
    EngineReadiness readiness,
    TimeProvider time,
    ILogger<AppBoard> logger) : IAsyncDisposable
{
    /// <summary>How many health results each app keeps for its small chart.</summary>
    public const int LatencyWindow = 30;

    /// <summary>The proxy's counts change on every request: changes closer together than this reach the board once.</summary>
    public static readonly TimeSpan TrafficCoalescing = TimeSpan.FromMilliseconds(250);

    // Bounds a read-your-writes wait; past it the board answers as it is rather than hang a request.
    private static readonly TimeSpan SyncBound = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Channel<BoardChange>> _subscribers = [];
    private readonly Dictionary<string, AppTraffic> _traffic = new(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, LiveApp> _apps = ImmutableSortedDictionary.Create<string, LiveApp>(StringComparer.Ordinal);
    private long _version;
    private Task? _running;

    /// <summary>The board now and every change after it, until <paramref name="cancellationToken"/> fires.</summary>
    /// <remarks>The subscriber is registered before the snapshot is taken, under the lock that publishes changes, so nothing falls between the two.</remarks>
    public async Task<BoardSubscription> SubscribeAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        var channel = Channel.CreateUnbounded<BoardChange>(new UnboundedChannelOptions { SingleReader = true });
        BoardSnapshot snapshot;
        lock (_gate)
        {
            _subscribers.Add(channel);
            snapshot = new BoardSnapshot(_version, [.. _apps.Values]);
        }

        // Also when the changes are never read: the token ends the subscription either way.
        var registration = cancellationToken.Register(() => Unsubscribe(channel));
        return new BoardSubscription(snapshot, ReadAsync(channel, registration, cancellationToken));
    }

    /// <summary>The board once every event published before this call is on it, for answers that must not lag a write (the API).</summary>
    public async Task<BoardSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        var sync = new BoardSync(time.GetUtcNow());
        events.Publish(sync);
        try
        {
            await sync.Applied.Task.WaitAsync(SyncBound, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            Log.SyncTimedOut(logger, SyncBound.TotalSeconds);
        }

        lock (_gate)
        {
            return new BoardSnapshot(_version, [.. _apps.Values]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is { } running)
        {
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }
        }

        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }

        _stop.Dispose();
        _starting.Dispose();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _running) is not null)
        {
            return;
        }

        await _starting.WaitAsync(cancellationToken);
        try
        {
            if (_running is not null)
            {
                return;
            }

            // Subscribed before the first read: what changes while it reads is applied after it.
            var subscription = events.Subscribe();
            try
            {
                var loaded = ImmutableSortedDictionary.CreateBuilder<string, LiveApp>(StringComparer.Ordinal);
                foreach (var name in config.Current.Apps.Keys)
                {
                    if (await LoadAsync(name, cancellationToken) is { } app)
                    {
                        loaded[name] = app;
                    }
                }

                lock (_gate)
                {
                    _apps = loaded.ToImmutable();
                }
            }
            catch
            {
                // The next subscriber tries again; this one is told why it failed.
                subscription.Dispose();
                throw;
            }

            Volatile.Write(ref _running, Task.WhenAll(PumpAsync(subscription, _stop.Token), FollowTrafficAsync(_stop.Token), FollowSeriesAsync(_stop.Token), ReloadOnceReconciledAsync(_stop.Token)));
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task ReloadOnceReconciledAsync(CancellationToken cancellationToken)
    {
        if (readiness.IsReconciled)
        {
            return;
        }

        try
        {
            await readiness.Reconciled.WaitAsync(cancellationToken);
            // Through the pump, so that the reads stay in order with the events around them.
            events.Publish(new BoardReload(time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<LiveApp?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        if (await reader.GetAsync(name, cancellationToken) is not { } status)
        {
            return null;
        }

        var recent = await deployments.ListAsync(name, null, 0, 10, cancellationToken);
        var running = recent.Items.FirstOrDefault(d => !d.Status.IsTerminal() && d.Id == status.RunningDeploymentId);
        var last = recent.Items.FirstOrDefault(d => d.Status.IsTerminal());
        var checks = status.ActiveSlot is { } active
            ? await health.ListAsync(name, active, LatencyWindow, cancellationToken)
            : [];
        // Checks of a deployment's health gate are the new container starting up, not how the serving one is doing.
        var latencies = checks.Where(c => c.DeploymentId is null).Reverse()
            .Select(c => c.ToResult())
            .ToArray();
        var finished = await deployments.ListFinishedSinceAsync(name, time.GetUtcNow() - BoardSummary.WeekSpan, cancellationToken);
        return new LiveApp(status, latencies, running, last, null, healer.LatestOf(name), Finished: finished);
    }

    private async Task PumpAsync(EngineEventSubscription subscription, CancellationToken cancellationToken)
    {
        using (subscription)
        {
            try
            {
                await foreach (var engineEvent in subscription.ReadAllAsync(cancellationToken))
                {
                    try
                    {
                        await ApplyAsync(engineEvent, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // A failed read leaves the app as it was; its next event reads it again.
                        Log.ApplyFailed(logger, engineEvent.GetType().Name, ex);
                    }
                    finally
                    {
                        (engineEvent as BoardSync)?.Applied.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task ApplyAsync(EngineEvent engineEvent, CancellationToken cancellationToken)
    {
        switch (engineEvent)
        {
            case DeploymentChanged { Deployment: var d }:
                if (await reader.GetAsync(d.App, cancellationToken) is not { } status)
                {
                    return;
                }

                // The coordinator lets go of a deployment just after its last step is stored.
                status = d.Status.IsTerminal() && status.RunningDeploymentId == d.Id ? status with { RunningDeploymentId = null } : status;
                // A release someone deployed replaces what self-healing last said (healing's own deployments report through AppHealed).
                Update(d.App, card => d.Status.IsTerminal()
                    ? card with
                    {
                        Status = status, Running = null, Last = d, Drain = null, Finished = WithFinished(card.Finished, d),
                        Healing = d.Status == DeploymentStatus.Completed && d.RequestedBy != SelfHealer.Requester ? null : card.Healing,
                    }
                    : card with { Status = status, Running = d });
                return;
            case AppHealed h:
                var healed = await reader.GetAsync(h.App, cancellationToken);
                Update(h.App, card => card with { Status = healed ?? card.Status, Healing = h });
                return;
            case HealthChecked h:
                Update(h.App, card => Checked(card, h));
                return;
            case DeploymentAnalyzed a:
                // Appended from the event itself: each result reaches the console as it comes, without reading SQLite.
                Update(a.App, card => card.Running is { } r && r.Id == a.DeploymentId && !r.Analyses.Contains(a.Analysis)
                    ? card with { Running = r with { Analyses = [.. r.Analyses, a.Analysis] } }
                    : card);
                return;
            case DrainProgressed p:
                Update(p.App, card => card with { Drain = p.Status });
                return;
            case Maintenance.MaintenanceChanged m:
                Update(m.App, card => card with { Status = card.Status with { Maintenance = m.Maintenance } });
                return;
            case ConfigApplied { Accepted: true }:
            case BoardReload:
                await ApplyConfigAsync(cancellationToken);
                return;
        }
    }

    /// <summary>A new apps.yaml (or reconciliation): apps it drops leave the board, every other one is read again (its spec may have changed).</summary>
    private async Task ApplyConfigAsync(CancellationToken cancellationToken)
    {
        var names = config.Current.Apps.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _apps.Keys.Where(n => !names.Contains(n)).ToArray())
        {
            Set(gone, _ => null);
        }

        foreach (var name in names)
        {
            var loaded = await LoadAsync(name, cancellationToken);
            // The series comes from the proxy, not SQLite: a reread keeps what the last closed window said.
            Set(name, before => loaded is null ? null : loaded with { Traffic = before?.Traffic });
        }
    }

    /// <summary>The week's finished deployments with <paramref name="d"/>, once (a load may already have read it), older ones let go.</summary>
    private IReadOnlyList<FinishedDeployment> WithFinished(IReadOnlyList<FinishedDeployment>? finished, DeploymentView d)
    {
        var weekAgo = (time.GetUtcNow() - BoardSummary.WeekSpan).UtcDateTime;
        var kept = (finished ?? []).Where(f => f.FinishedAt >= weekAgo && f.Id != d.Id);
        return [.. kept, new FinishedDeployment(d.App, d.Status, d.StartedAt.UtcDateTime, (d.FinishedAt ?? time.GetUtcNow()).UtcDateTime, d.Id)];
    }

    private static LiveApp Checked(LiveApp card, HealthChecked h)
    {
        var slots = card.Status.Slots.Select(s => s.Slot == h.Slot ? s with { Health = h.Result.Healthy ? "healthy" : "unhealthy", LastCheck = h.Result } : s).ToArray();
        var serving = card.Status.ActiveSlot == h.Slot;
        var status = card.Status with { Slots = slots, Health = serving ? slots[(int)h.Slot].Health : card.Status.Health };
        // The chart shows the serving container; a check already read with the snapshot is not drawn twice.
        var drawn = serving && h.DeploymentId is null && (card.Latencies.Count == 0 || card.Latencies[^1].At < h.Result.At);
        return card with
        {
            Status = status,
            Latencies = drawn ? [.. card.Latencies.TakeLast(LatencyWindow - 1), h.Result] : card.Latencies,
        };
    }

    private async Task FollowTrafficAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in traffic.WatchAsync(cancellationToken))
            {
                Set(change.App, card =>
                {
                    _traffic[change.App] = change.Traffic;
                    return card is null ? null : WithTraffic(card, change.Traffic);
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.TrafficFailed(logger, ex);
        }
    }

    /// <summary>Each closed window of the proxy's series reaches the board as one change of its app.</summary>
    private async Task FollowSeriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in traffic.WatchSeriesAsync(cancellationToken))
            {
                Set(change.App, card => card is null || change.Series.SameAs(card.Traffic) ? card : card with { Traffic = change.Series });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.SeriesFailed(logger, ex);
        }
    }

    private static LiveApp WithTraffic(LiveApp card, AppTraffic served)
    {
        var slots = card.Status.Slots.Select(s => s with { InFlight = served.Of(s.Slot) }).ToArray();
        var status = card.Status with
        {
            Slots = slots,
            InFlight = new InFlight(slots.Sum(s => s.InFlight.Requests), slots.Sum(s => s.InFlight.Sockets)),
            Listen = served.Listening ?? card.Status.Listen,
            ListenerError = served.ListenerError,
            Split = served.Split,
            Preview = served.Preview,
        };
        return status.InFlight == card.Status.InFlight && status.Listen == card.Status.Listen
            && status.ListenerError == card.Status.ListenerError && slots.SequenceEqual(card.Status.Slots)
            && status.Split == card.Status.Split && status.Preview == card.Status.Preview
            ? card
            : card with { Status = status };
    }

    /// <summary>Changes an app that is on the board; one read from SQLite gets the latest counts the proxy pushed.</summary>
    private void Update(string name, Func<LiveApp, LiveApp> change) => Set(name, card =>
    {
        if (card is null)
        {
            return null;
        }

        var next = change(card);
        return !ReferenceEquals(next.Status, card.Status) && _traffic.TryGetValue(name, out var served) ? WithTraffic(next, served) : next;
    });

    /// <summary>Applies one change under the lock and hands it to every subscriber with the next version.</summary>
    private void Set(string name, Func<LiveApp?, LiveApp?> change)
    {
        lock (_gate)
        {
            var before = _apps.GetValueOrDefault(name);
            var after = change(before);
            if (ReferenceEquals(before, after))
            {
                return;
            }

            _apps = after is null ? _apps.Remove(name) : _apps.SetItem(name, after);
            var published = new BoardChange(++_version, name, after);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(published);
            }
        }
    }

    private async IAsyncEnumerable<BoardChange> ReadAsync(
        Channel<BoardChange> channel, CancellationTokenRegistration registration, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            await registration.DisposeAsync();
            Unsubscribe(channel);
        }
    }

    private void Unsubscribe(Channel<BoardChange> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The board could not apply a {Event} event")]
        public static partial void ApplyFailed(ILogger logger, string @event, Exception exception);

        [LoggerMessage(2, LogLevel.Error, "The board stopped following the proxy's traffic; in-flight counts stay as they are")]
        public static partial void TrafficFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "The board had not caught up with the engine's events after {Seconds} s; answering as it is")]
        public static partial void SyncTimedOut(ILogger logger, double seconds);

        [LoggerMessage(4, LogLevel.Error, "The board stopped following the proxy's traffic series; the traffic charts stay as they are")]
        public static partial void SeriesFailed(ILogger logger, Exception exception);
    }
}
