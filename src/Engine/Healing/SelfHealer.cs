using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Healing;

/// <summary>Brings an app's serving container back when it dies, is OOM-killed or is removed, within a bounded budget.</summary>
/// <remarks>
/// <para>
/// Only the active slot's tracked container is healed, and never while a deployment of the app runs: a
/// deployment stops and replaces containers on purpose. A container that exited is started again; one that is
/// gone is replaced by a deployment of the desired image (the last completed deployment's), health-gated and
/// switched to like any other, so the console and history show it.
/// </para>
/// <para>
/// Docker's restart policy usually restarts a crashed container within a fraction of a second; such restarts are
/// counted too. After <see cref="EngineOptions.HealAttempts"/> within <see cref="EngineOptions.HealWindow"/> the
/// app is in a crash loop: the container is stopped (so that the policy stops restarting it), and healing gives
/// up until the app is deployed again, and says so (audit <c>app.heal_gave_up</c>, event, log).
/// </para>
/// </remarks>
public sealed partial class SelfHealer(
    AppsConfigMonitor config,
    AppStateStore state,
    DeploymentStore deployments,
    DeploymentCoordinator coordinator,
    DesiredState desired,
    IContainerRuntime runtime,
    AuditLog audit,
    EngineEventStream events,
    TimeProvider time,
    IOptions<EngineOptions> options,
    EngineMetrics metrics,
    ILogger<SelfHealer> logger) : IAsyncDisposable
{
    /// <summary>The requester of healing deployments; a deployment by anyone else gives the app a fresh budget.</summary>
    public const string Requester = "engine";

    /// <summary>How long to let Docker's restart policy act on an exited container before deciding.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ContainerEvent> _due = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HealBudget> _budgets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _removed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, AppHealed> _latest = new(StringComparer.Ordinal);

    /// <summary>The newest self-healing outcome of the app since this host started (the console's snapshot; <see cref="AppHealed"/> events follow).</summary>
    public AppHealed? LatestOf(string app)
    {
        lock (_gate)
        {
            return _latest.GetValueOrDefault(app);
        }
    }

    /// <summary>Looks at one container event; schedules a heal when the app's serving container died or went away.</summary>
    public async Task OnEventAsync(ContainerEvent containerEvent, CancellationToken cancellationToken)
    {
        if (containerEvent.Action is not ("die" or "oom" or "destroy") || !config.Current.Apps.ContainsKey(containerEvent.App))
        {
            return;
        }

        var stored = await state.GetAsync(containerEvent.App, cancellationToken);
        var tracked = stored?.ActiveSlot is { } slot ? await state.GetContainerAsync(containerEvent.App, slot, cancellationToken) : null;
        if (tracked is null || tracked.Slot != containerEvent.Slot || tracked.ContainerId != containerEvent.ContainerId)
        {
            // An idle slot stopped by a drain or a rollback, or a container replaced since: nothing serves from it.
            return;
        }

        lock (_gate)
        {
            // A removal outranks the exit that comes just before it, and ends the wait for Docker's restart policy.
            if (!_due.TryGetValue(containerEvent.App, out var earlier) || earlier.Action != "destroy")
            {
                _due[containerEvent.App] = containerEvent;
            }

            if (containerEvent.Action == "destroy")
            {
                RemovedSignal(containerEvent.App).TrySetResult();
            }

            if (!_workers.ContainsKey(containerEvent.App))
            {
                _workers[containerEvent.App] = WorkAsync(containerEvent.App);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] workers;
        lock (_gate)
        {
            workers = [.. _workers.Values];
        }

        await Task.WhenAll(workers);
        _stopping.Dispose();
    }

    private async Task WorkAsync(string app)
    {
        await Task.Yield();
        var stopping = _stopping.Token;
        while (true)
        {
            ContainerEvent trigger;
            Task removed;
            lock (_gate)
            {
                if (stopping.IsCancellationRequested || !_due.TryGetValue(app, out trigger!))
                {
                    _workers.Remove(app);
                    return;
                }

                removed = RemovedSignal(app).Task;
            }

            try
            {
                if (trigger.Action != "destroy")
                {
                    // Docker's restart policy acts within a fraction of a second; `docker rm -f` sends die, then destroy.
                    await Task.WhenAny(Task.Delay(Settle, time, stopping), removed);
                    stopping.ThrowIfCancellationRequested();
                }

                lock (_gate)
                {
                    // The strongest trigger that arrived meanwhile is the one acted on.
                    _due.Remove(app, out trigger!);
                    _removed.Remove(app);
                }

                await HealAsync(app, trigger, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                Log.HealCrashed(logger, app, ex);
            }
        }
    }

    private TaskCompletionSource RemovedSignal(string app)
    {
        if (!_removed.TryGetValue(app, out var signal))
        {
            _removed[app] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return signal;
    }

    private async Task HealAsync(string app, ContainerEvent trigger, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(LogScopes.App(app));
        if (!config.Current.Apps.TryGetValue(app, out var spec) || coordinator.RunningFor(app) is not null)
        {
            return;
        }

        var stored = await state.GetAsync(app, cancellationToken);
        if (stored?.ActiveSlot is not { } slot || await state.GetContainerAsync(app, slot, cancellationToken) is not { } tracked)
        {
            return;
        }

        // One being removed is as good as gone: its destroy event follows.
        var container = (await runtime.ListManagedAsync(cancellationToken)).FirstOrDefault(c => c.Id == tracked.ContainerId && c.State is not ("removing" or "dead"));
        var budget = await BudgetOfAsync(app, stored.ActiveDeploymentId, cancellationToken);
        if (budget.GaveUp)
        {
            return;
        }

        var what = Describe(slot, trigger, gone: container is null);
        if (!budget.TryTake(time.GetUtcNow(), out var attempt))
        {
            await GiveUpAsync(spec, slot, container, what, attempt, budget, cancellationToken);
            return;
        }

        var count = $"attempt {attempt} of {options.Value.HealAttempts} within {options.Value.HealWindow.TotalMinutes:0.#} min";
        if (container is { Running: true } or { State: "restarting" })
        {
            metrics.Restarted(app, slot, byDocker: true);
            await ReportAsync(app, slot, HealOutcome.Healed, $"{what}; Docker's restart policy started it again ({count})", cancellationToken);
            return;
        }

        await Task.Delay(HealBudget.Backoff(attempt), time, cancellationToken);
        if (coordinator.RunningFor(app) is not null)
        {
            return;
        }

        if (container is not null)
        {
            await runtime.StartAsync(container.Id, cancellationToken);
            await state.SetContainerRunningAsync(app, slot, true, cancellationToken);
            metrics.Restarted(app, slot, byDocker: false);
            await ReportAsync(app, slot, HealOutcome.Healed, $"{what}; started it again ({count})", cancellationToken);
            return;
        }

        var image = await desired.ImageOfAsync(spec, cancellationToken);
        var admission = await coordinator.RequestAsync(
            new DeploymentRequest(app, image, DeploymentKind.Deploy, Requester, $"self-healing: {what}; starting {image}, the desired image ({count})"),
            cancellationToken);
        _ = FollowReplacementAsync(app, slot, admission.AcceptedDeployment(), what, trigger);
    }

    /// <summary>Reports how a replacing deployment ended; a failed one is tried again while the budget lasts.</summary>
    private async Task FollowReplacementAsync(string app, Slot slot, DeploymentView deployment, string what, ContainerEvent trigger)
    {
        var stopping = _stopping.Token;
        try
        {
            var ended = await coordinator.WaitAsync(deployment.Id, Timeout.InfiniteTimeSpan, stopping);
            if (ended?.Status == DeploymentStatus.Completed)
            {
                await ReportAsync(app, ended.Slot, HealOutcome.Healed, $"{what}; deployment {deployment.Id} started {deployment.Image} in {ended.Slot.Name()} and switched to it", stopping);
                return;
            }

            await ReportAsync(app, slot, HealOutcome.Failed, $"{what}; deployment {deployment.Id} of {deployment.Image} ended {ended?.Status.ToSnakeCase() ?? "unknown"}: {ended?.Error}", stopping);
            lock (_gate)
            {
                _due.TryAdd(app, trigger);
                if (!_workers.ContainsKey(app))
                {
                    _workers[app] = WorkAsync(app);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.HealCrashed(logger, app, ex);
        }
    }

    private async Task GiveUpAsync(AppSpec spec, Slot slot, ManagedContainer? container, string what, int attempts, HealBudget budget, CancellationToken cancellationToken)
    {
        var app = spec.Name;
        budget.GaveUp = true;
        var stopped = string.Empty;
        if (container is not null)
        {
            // Docker's restart policy would go on restarting it in a loop; stopped, it stays down until deployed again.
            await runtime.StopAsync(container.Id, spec.Container.Run.StopTimeout ?? options.Value.StopTimeout, cancellationToken);
            await state.SetContainerRunningAsync(app, slot, false, cancellationToken);
            stopped = "; stopped it so that it does not restart in a loop";
        }

        await ReportAsync(app, slot, HealOutcome.GaveUp,
            $"{what}; gave up after {attempts} attempts within {options.Value.HealWindow.TotalMinutes:0.#} min{stopped}. Deploy, redeploy or roll back to bring it back",
            cancellationToken);
    }

    private async Task ReportAsync(string app, Slot slot, HealOutcome outcome, string detail, CancellationToken cancellationToken)
    {
        var (action, result) = outcome switch
        {
            HealOutcome.Healed => ("app.healed", "ok"),
            HealOutcome.Failed => ("app.heal_failed", "failed"),
            _ => ("app.heal_gave_up", "failed"),
        };
        await audit.AppendAsync(Requester, action, result, app, detail, cancellationToken);
        var healed = new AppHealed(time.GetUtcNow(), app, slot, outcome, detail);
        lock (_gate)
        {
            _latest[app] = healed;
        }

        events.Publish(healed);
        metrics.Healed(app, slot, outcome);
        Log.Healing(logger, app, outcome, detail);
    }

    /// <summary>The app's budget; a deployment by anyone but self-healing itself starts a fresh one.</summary>
    private async Task<HealBudget> BudgetOfAsync(string app, long? activeDeploymentId, CancellationToken cancellationToken)
    {
        HealBudget? budget;
        lock (_gate)
        {
            _budgets.TryGetValue(app, out budget);
        }

        if (budget is null || budget.DeploymentId != activeDeploymentId)
        {
            var deployedBy = activeDeploymentId is { } id ? (await deployments.GetAsync(id, cancellationToken))?.RequestedBy : null;
            if (budget is null || deployedBy != Requester)
            {
                budget = new HealBudget(options.Value.HealAttempts, options.Value.HealWindow);
                lock (_gate)
                {
                    _budgets[app] = budget;
                }
            }

            budget.DeploymentId = activeDeploymentId;
        }

        return budget;
    }

    private static string Describe(Slot slot, ContainerEvent trigger, bool gone)
    {
        var how = trigger.Action switch
        {
            "oom" => "was killed for running out of memory",
            "die" => trigger.ExitCode is { } code ? $"exited with code {code}" : "exited",
            _ => "was removed",
        };
        return gone && trigger.Action != "destroy" ? $"the serving {slot.Name()} container {how} and is gone" : $"the serving {slot.Name()} container {how}";
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Self-healing {App}: {Outcome}: {Detail}")]
        public static partial void Healing(ILogger logger, string app, HealOutcome outcome, string detail);

        [LoggerMessage(2, LogLevel.Error, "Self-healing {App} failed unexpectedly; the next container event tries again")]
        public static partial void HealCrashed(ILogger logger, string app, Exception exception);
    }
}
