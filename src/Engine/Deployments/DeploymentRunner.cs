using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments.Rollout;
using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Images;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.ReleaseCommands;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Cutover.Engine.Telemetry;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Deployments;

/// <summary>Runs one deployment through the state machine: pull, [release command], start, health-check, [preview, promotion, canary steps], switch, drain, [watch], stop the old slot.</summary>
/// <remarks>
/// Each step is stored before it takes effect, so that after a crash recovery knows whether traffic may
/// already have reached the new slot (<see cref="DeploymentStatusExtensions.HasSwitched"/>). Before the switch any
/// failure leaves the old slot serving; after it, the new slot serves and only the clean-up can fail.
/// </remarks>
public sealed partial class DeploymentRunner(
    IContainerRuntime runtime,
    ITrafficSwitch traffic,
    HealthGate healthGate,
    DeploymentStore deployments,
    AppStateStore state,
    AuditLog audit,
    EngineEventStream events,
    SecretRedactor redactor,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<DeploymentRunner> logger,
    PulledImageStore pulledImages,
    ImageRetention retention,
    EngineMetrics metrics,
    ReleaseCommand release,
    PreviewListener previewListener,
    PromotionGate promotionGate,
    BlueGreenStrategy blueGreen,
    CanaryStrategy canary,
    WatchWindow watchWindow,
    SlotAnalyses analyses)
{
    /// <param name="run">The deployment's cancel, abort and promote requests, and its point of no return.</param>
    /// <param name="stopping">Fires when the host stops: the deployment is left for recovery at the next start.</param>
    public async Task RunAsync(DeploymentView deployment, AppSpec spec, RunningDeployment run, CancellationToken stopping)
    {
        var id = deployment.Id;
        // Every log written while it runs (here, the health gate, the stores, the proxy's drain) names the app and the deployment.
        using var scope = logger.BeginScope(LogScopes.Deployment(deployment.App, id));
        await using var analysis = analyses.For(deployment, spec);
        var rollout = new Rollout(deployment, spec, run, analysis);

        // Until the old slot is being stopped, a cancel or an abort stops the deployment; after it, only the host stopping does.
        using var beforeEnd = CancellationTokenSource.CreateLinkedTokenSource(stopping, run.CancelToken);
        var cancellationToken = beforeEnd.Token;
        try
        {
            var (reused, notReused) = await FindReusableContainerAsync(deployment, cancellationToken);
            if (reused is null)
            {
                await PullAsync(deployment, spec, notReused, cancellationToken);
            }
            else
            {
                await deployments.TransitionAsync(id, DeploymentStatus.Pulling, $"reusing the kept container {reused.ContainerId[..12]}: nothing to pull", cancellationToken);
            }

            await ReleaseAsync(deployment, spec, cancellationToken);

            var started = await StartAsync(deployment, spec, reused, cancellationToken);
            var containerId = rollout.ContainerId = started.ContainerId;

            await deployments.TransitionAsync(id, DeploymentStatus.HealthChecking, $"GET 127.0.0.1:{started.Port}{spec.Health.Path}, {spec.Health.HealthyAfter} in a row within {spec.Health.Deadline.TotalSeconds:0.#}s", cancellationToken);
            var verdict = await healthGate.WaitUntilHealthyAsync(
                spec.Name, deployment.Slot, started.Port, spec.Health, id, ct => WhyNotRunningAsync(containerId, ct), cancellationToken);
            if (!verdict.Healthy)
            {
                await RollBackAsync(deployment, spec, containerId, verdict.Reason!, stopping);
                return;
            }

            await RollOutAsync(rollout, ResumeFrom.Healthy($"healthy after {verdict.Checks} checks in {verdict.Elapsed.TotalSeconds:0.0}s"), stopping, cancellationToken);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping: the stored step tells the next start whether to finish, resume or roll back.
            Log.Interrupted(logger, spec.Name, deployment.Id);
            throw;
        }
        catch (Exception ex)
        {
            await EndInterruptedAsync(rollout, ex, stopping);
        }
    }

    /// <summary>Takes up a deployment a restart interrupted while paused, in a canary step or watching (see <see cref="ResumeFrom"/>).</summary>
    /// <param name="containerId">The new slot's container, found running.</param>
    public async Task ResumeAsync(DeploymentView deployment, AppSpec spec, RunningDeployment run, string containerId, CancellationToken stopping)
    {
        using var scope = logger.BeginScope(LogScopes.Deployment(deployment.App, deployment.Id));
        await using var analysis = analyses.For(deployment, spec);
        var rollout = new Rollout(deployment, spec, run, analysis) { ContainerId = containerId };
        using var beforeEnd = CancellationTokenSource.CreateLinkedTokenSource(stopping, run.CancelToken);
        try
        {
            await RollOutAsync(rollout, ResumeFrom.Stored(deployment), stopping, beforeEnd.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping: the stored step tells the next start whether to finish, resume or roll back.
            Log.Interrupted(logger, spec.Name, deployment.Id);
            throw;
        }
        catch (Exception ex)
        {
            await EndInterruptedAsync(rollout, ex, stopping);
        }
    }

    /// <summary>From a healthy new slot to completed: preview, promotion, canary steps, switch, drain, watch, old slot stopped.</summary>
    private async Task RollOutAsync(Rollout r, ResumeFrom from, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var (deployment, spec, run) = (r.Deployment, r.Spec, r.Run);
        var drained = "drained before the restart";
        if (from.WatchUntil is null)
        {
            // From here on new requests may reach the new slot (preview, canary): a cancel or an abort rolls back.
            run.EnterGate();
            var preview = await previewListener.OpenAsync(deployment, spec, cancellationToken);
            var why = from.Why;
            if (from.Step is null && await promotionGate.WaitAsync(deployment, spec, run, preview, cancellationToken) is { } promotion)
            {
                why = $"promoted by {promotion.RequestedBy}";
            }

            var strategy = spec.Strategy == DeploymentStrategy.Canary ? (IRolloutStrategy)canary : blueGreen;
            if (await strategy.ShiftAsync(deployment, spec, run, r.Analysis, from.Step ?? 0, cancellationToken) is { } failed)
            {
                await AbortAsync(r, $"analysis failed at {r.Analysis.Weight}%: {failed.Summary}", stopping);
                return;
            }

            if (r.Analysis.Weight > 0)
            {
                why = $"canary held up to {r.Analysis.Weight}%";
            }

            // A pause can last hours: the container that was healthy then may have exited since.
            if (await WhyNotRunningAsync(r.ContainerId!, cancellationToken) is { } down)
            {
                await AbortAsync(r, $"the new slot stopped while held: {down}", stopping);
                return;
            }

            if (!run.TryBeginSwitch())
            {
                throw new OperationCanceledException(run.CancelToken);
            }

            await previewListener.CloseAsync(spec, stopping);
            await SwitchAsync(deployment, spec, r.ContainerId!, why, stopping);
            r.Switched = true;
            if (deployment.PreviousSlot is null)
            {
                await CompleteAsync(r, "first deployment: nothing to drain", stopping);
                return;
            }

            // The old slot still runs: until it is stopped, an abort switches back to it at once.
            run.MarkSwitched();
            drained = await DrainPreviousAsync(deployment, spec, cancellationToken);
        }
        else
        {
            run.TryBeginSwitch();
            run.MarkSwitched();
            r.Switched = true;
        }

        if (await watchWindow.HoldAsync(deployment, spec, r.Analysis, from.WatchUntil, cancellationToken) is { } watchFailed)
        {
            await AbortAsync(r, $"analysis failed during the watch: {watchFailed.Summary}", stopping);
            return;
        }

        if (!run.TryBeginFinish())
        {
            throw new OperationCanceledException(run.CancelToken);
        }

        await CompleteAsync(r, $"{drained}; {await StopPreviousAsync(deployment, spec, stopping)}", stopping);
    }

    private async Task CompleteAsync(Rollout r, string detail, CancellationToken cancellationToken)
    {
        var (deployment, spec) = (r.Deployment, r.Spec);
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Completed, detail, cancellationToken, position: RolloutPosition.None);
        await audit.AppendAsync("engine", "deployment.completed", "ok", spec.Name, $"{deployment.Image} serves from {deployment.Slot.Name()}; {detail}", cancellationToken, deployment.Id);
        Log.Completed(logger, spec.Name, deployment.Id, deployment.Image, deployment.Slot);
        await retention.TryApplyAsync(spec.Name, spec.RetainImages, deployment.Id, cancellationToken);
    }

    /// <summary>Whatever the interrupted step threw, the cause decides the end: a cancel, an abort, or a failure.</summary>
    private async Task EndInterruptedAsync(Rollout r, Exception ex, CancellationToken stopping)
    {
        if (r.Run.CancelledBy is { } cancelledBy)
        {
            // A cancelled pull surfaces as an I/O error: the cause is still the request.
            if (r.Run.StoppedIn == RunPhase.Preparing)
            {
                await CancelAsync(r.Deployment, r.Spec, r.ContainerId, cancelledBy, stopping);
            }
            else
            {
                await AbortAsync(r, $"aborted by {cancelledBy}", stopping);
            }

            return;
        }

        await FailAsync(r, ex, stopping);
    }

    /// <returns>The kept container a rollback can start again, or why there is none (null when not a rollback).</returns>
    private async Task<(ContainerRecord? Reused, string? WhyNot)> FindReusableContainerAsync(DeploymentView deployment, CancellationToken cancellationToken)
    {
        if (deployment.Kind != DeploymentKind.Rollback)
        {
            return (null, null);
        }

        var name = ContainerNaming.NameOf(deployment.App, deployment.Slot);
        var kept = await state.GetContainerAsync(deployment.App, deployment.Slot, cancellationToken);
        if (kept is null)
        {
            return (null, $"{deployment.Slot.Name()} has no kept container");
        }

        if (kept.Image != deployment.Image)
        {
            return (null, $"the kept {name} holds {kept.Image}");
        }

        // Docker's word over the database's: the container may have been removed, or replaced by hand.
        var present = (await runtime.ListManagedAsync(cancellationToken)).FirstOrDefault(c => c.Id == kept.ContainerId);
        return present switch
        {
            null => (null, $"the kept {name} is gone"),
            _ when present.Image != deployment.Image => (null, $"the kept {name} holds {present.Image}"),
            _ => (kept, null),
        };
    }

    /// <param name="notReused">For a rollback, why no kept container could be started: said in the step.</param>
    private async Task PullAsync(DeploymentView deployment, AppSpec spec, string? notReused, CancellationToken cancellationToken)
    {
        var image = deployment.Image;
        var present = await runtime.ImageExistsAsync(image, cancellationToken);
        var policy = spec.Pull;
        var why = notReused is null ? string.Empty : $"{notReused}; ";
        if (deployment.Kind == DeploymentKind.Rollback && policy == PullPolicy.Always)
        {
            // A rollback goes back to an image this app once ran: the copy on disk is that release. Pulling again
            // could only fetch what a moved tag points at now (not the release), or fail while the registry is
            // down, just when going back matters most. So a rollback pulls only when the image is absent.
            policy = PullPolicy.Missing;
            why += "a rollback pulls only an absent image; ";
        }

        var pull = policy == PullPolicy.Always || (policy == PullPolicy.Missing && !present);
        if (!pull)
        {
            if (!present)
            {
                throw new ContainerRuntimeException($"{why}Image {image} is not present and the pull policy is 'never': load it first (docker load) or change 'pull'.");
            }

            await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Pulling, $"{why}{image} is present; pull policy '{spec.Pull.ToString().ToLowerInvariant()}': not pulling", cancellationToken);
            return;
        }

        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Pulling, $"{why}pulling {image} (policy '{spec.Pull.ToString().ToLowerInvariant()}')", cancellationToken);
        var progress = new InlineProgress<PullProgress>(p =>
            events.Publish(new PullProgressed(time.GetUtcNow(), deployment.App, deployment.Id, image, p.LayerId is null ? p.Status : $"{p.LayerId}: {p.Status}", p.Current, p.Total)));
        await runtime.PullImageAsync(image, progress, cancellationToken);
        // Only what Cutover pulled may later be removed by retain_images; a hand-loaded image never is.
        await pulledImages.RecordAsync(deployment.App, image, cancellationToken);
    }

    /// <summary>The app's release command (e.g. migrations), when it has one; a failure throws before anything starts or switches.</summary>
    private Task ReleaseAsync(DeploymentView deployment, AppSpec spec, CancellationToken cancellationToken) =>
        spec.Release is { } command ? release.RunAsync(deployment, spec, command, cancellationToken) : Task.CompletedTask;

    private async Task<StartedSlot> StartAsync(DeploymentView deployment, AppSpec spec, ContainerRecord? reused, CancellationToken cancellationToken)
    {
        var port = spec.Slots.Of(deployment.Slot);
        var name = ContainerNaming.NameOf(spec.Name, deployment.Slot);
        if (reused is not null)
        {
            await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Starting, $"starting the kept container {name} on 127.0.0.1:{reused.HostPort}", cancellationToken);
            await runtime.StartAsync(reused.ContainerId, cancellationToken);
            await state.SetContainerRunningAsync(spec.Name, deployment.Slot, true, cancellationToken);
            return new StartedSlot(reused.ContainerId, reused.HostPort);
        }

        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Starting, $"creating {name} from {deployment.Image} on 127.0.0.1:{port}", cancellationToken);
        var env = await EnvFile.MergeAsync(spec.Container.EnvFile, spec.Container.Env, cancellationToken);
        var tracked = await state.GetContainerAsync(spec.Name, deployment.Slot, cancellationToken);
        var container = await runtime.CreateAsync(
            new SlotContainerSpec(
                spec.Name,
                deployment.Slot,
                deployment.Image,
                deployment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                port,
                spec.Container.Port,
                env,
                spec.Container.Volumes,
                spec.Container.MemoryBytes,
                spec.Container.Cpus,
                spec.Container.Command,
                tracked?.ContainerId) { Run = spec.Container.Run },
            cancellationToken);
        await state.SaveContainerAsync(
            new ContainerRecord
            {
                App = spec.Name,
                Slot = deployment.Slot,
                ContainerId = container.Id,
                Image = deployment.Image,
                HostPort = port,
                DeploymentId = deployment.Id,
                Running = false,
            },
            cancellationToken);
        await runtime.StartAsync(container.Id, cancellationToken);
        await state.SetContainerRunningAsync(spec.Name, deployment.Slot, true, cancellationToken);
        return new StartedSlot(container.Id, port);
    }

    /// <param name="why">What allowed the switch: healthy, promoted, the last canary step held.</param>
    private async Task SwitchAsync(DeploymentView deployment, AppSpec spec, string containerId, string why, CancellationToken cancellationToken)
    {
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Switching, $"{why}; routing new requests to {deployment.Slot.Name()}", cancellationToken, position: RolloutPosition.None);
        var port = (await state.GetContainerAsync(spec.Name, deployment.Slot, cancellationToken)) is { } record && record.ContainerId == containerId ? record.HostPort : spec.Slots.Of(deployment.Slot);
        var ports = await EffectivePortsAsync(spec, deployment.Slot, port, cancellationToken);
        var listenerError = await traffic.ServeAsync(spec.Name, spec.Listen, ports, spec.Proxy, cancellationToken);
        if (listenerError is not null)
        {
            Log.ListenerDown(logger, spec.Name, listenerError);
        }

        traffic.Route(spec.Name, deployment.Slot);
        await state.SetActiveAsync(spec.Name, deployment.Slot, deployment.Image, deployment.Id, cancellationToken);
    }

    /// <summary>Each slot's port as its container was published (a changed slot port applies from that slot's next deployment).</summary>
    private async Task<SlotPorts> EffectivePortsAsync(AppSpec spec, Slot newSlot, int newPort, CancellationToken cancellationToken)
    {
        var other = await state.GetContainerAsync(spec.Name, newSlot.Other(), cancellationToken);
        var otherPort = other?.HostPort ?? spec.Slots.Of(newSlot.Other());
        return newSlot == Slot.Blue ? new SlotPorts(newPort, otherPort) : new SlotPorts(otherPort, newPort);
    }

    /// <summary>Waits for the old slot, which no longer gets new requests, to finish what it has; it keeps running.</summary>
    private async Task<string> DrainPreviousAsync(DeploymentView deployment, AppSpec spec, CancellationToken cancellationToken)
    {
        var previous = deployment.PreviousSlot!.Value;
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Draining, $"draining {previous.Name()}: requests up to {spec.Drain.Timeout.TotalSeconds:0.#}s, WebSockets up to {spec.Drain.WebSocketTimeout.TotalSeconds:0.#}s", cancellationToken);
        var progress = new InlineProgress<DrainStatus>(s =>
            events.Publish(new DrainProgressed(time.GetUtcNow(), deployment.App, deployment.Id, previous, s)));
        var outcome = await traffic.DrainAsync(spec.Name, previous, spec.Drain, progress, cancellationToken);
        metrics.Drained(spec.Name, previous, outcome);
        return outcome.ToString();
    }

    /// <summary>Stops the drained old slot's container; stopped, not removed, so a rollback is a start and a health check, with no pull.</summary>
    private async Task<string> StopPreviousAsync(DeploymentView deployment, AppSpec spec, CancellationToken cancellationToken)
    {
        var previous = deployment.PreviousSlot!.Value;
        var old = await state.GetContainerAsync(spec.Name, previous, cancellationToken);
        if (old is null || !(await runtime.ListManagedAsync(cancellationToken)).Any(c => c.Id == old.ContainerId))
        {
            // e.g. self-healing replaced a container that was removed: there is nothing to stop, nor to keep.
            await state.ForgetContainerAsync(spec.Name, previous, cancellationToken);
            return $"the {previous.Name()} container was already gone";
        }

        await runtime.StopAsync(old.ContainerId, StopTimeoutOf(spec), cancellationToken);
        await state.SetContainerRunningAsync(spec.Name, previous, false, cancellationToken);
        return $"{previous.Name()} stopped and kept for rollback";
    }

    /// <summary>
    /// All new requests back to the old slot at once (it still runs: gated, draining or watching), the preview closed,
    /// the new slot drained and stopped: <c>rolled_back</c> with <paramref name="reason"/>.
    /// </summary>
    private async Task AbortAsync(Rollout r, string reason, CancellationToken cancellationToken)
    {
        var (deployment, spec) = (r.Deployment, r.Spec);
        reason = redactor.Redact(reason);
        Log.RolledBack(logger, deployment.App, deployment.Id, reason);
        var serving = await ReturnToPreviousAsync(r, cancellationToken);
        if (r.ContainerId is { } containerId)
        {
            var drained = await traffic.DrainAsync(spec.Name, deployment.Slot, spec.Drain, null, cancellationToken);
            metrics.Drained(spec.Name, deployment.Slot, drained);
            await StopQuietlyAsync(deployment, StopTimeoutOf(spec), containerId, cancellationToken);
        }

        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.RolledBack, $"{reason}; {serving}; new container stopped", cancellationToken, reason, RolloutPosition.None);
        await audit.AppendAsync("engine", "deployment.rolled_back", "failed", deployment.App, reason, cancellationToken, deployment.Id);
    }

    /// <summary>Undoes whatever traffic the new slot got (preview, split, switch); returns who serves now.</summary>
    private async Task<string> ReturnToPreviousAsync(Rollout r, CancellationToken cancellationToken)
    {
        var (deployment, spec) = (r.Deployment, r.Spec);
        await previewListener.CloseAsync(spec, cancellationToken);
        if (deployment.PreviousSlot is not { } previous)
        {
            if (r.Switched)
            {
                traffic.Route(spec.Name, null);
                await state.SetActiveAsync(spec.Name, null, null, null, cancellationToken);
            }

            return "nothing was serving";
        }

        traffic.Route(spec.Name, previous);
        if (r.Switched && await state.GetContainerAsync(spec.Name, previous, cancellationToken) is { } old)
        {
            await state.SetActiveAsync(spec.Name, previous, old.Image, old.DeploymentId, cancellationToken);
        }

        return r.Switched ? $"switched back to {previous.Name()}" : $"{previous.Name()} serves every request";
    }

    private async Task RollBackAsync(DeploymentView deployment, AppSpec spec, string containerId, string reason, CancellationToken cancellationToken)
    {
        // A probe error can quote what the app answered; the reason is logged, stored and audited.
        reason = redactor.Redact(reason);
        Log.RolledBack(logger, deployment.App, deployment.Id, reason);
        await StopQuietlyAsync(deployment, StopTimeoutOf(spec), containerId, cancellationToken);
        var serving = deployment.PreviousSlot is { } previous ? $"{previous.Name()} keeps serving" : "nothing was serving";
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.RolledBack, $"{reason}; new container stopped, {serving}", cancellationToken, reason);
        await audit.AppendAsync("engine", "deployment.rolled_back", "failed", deployment.App, reason, cancellationToken, deployment.Id);
    }

    private async Task CancelAsync(DeploymentView deployment, AppSpec spec, string? containerId, string cancelledBy, CancellationToken cancellationToken)
    {
        Log.Cancelled(logger, deployment.App, deployment.Id, cancelledBy);
        if (containerId is not null)
        {
            await StopQuietlyAsync(deployment, StopTimeoutOf(spec), containerId, cancellationToken);
        }

        var serving = deployment.PreviousSlot is { } previous ? $"{previous.Name()} keeps serving" : "nothing was serving";
        var detail = $"cancelled by {cancelledBy} before the switch; {serving}";
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Cancelled, detail, cancellationToken, detail);
        await audit.AppendAsync("engine", "deployment.cancelled", "ok", deployment.App, detail, cancellationToken, deployment.Id);
    }

    private async Task FailAsync(Rollout r, Exception ex, CancellationToken cancellationToken)
    {
        var (deployment, spec, switched) = (r.Deployment, r.Spec, r.Switched);
        // Docker's errors can quote the container's output or environment: masked before they are logged or stored.
        var reason = redactor.Redact(ex.Message);
        Log.Failed(logger, deployment.App, deployment.Id, reason, new RedactedException(ex, redactor));
        var message = ex is ContainerRuntimeException or ReleaseFailedException ? reason : $"{ex.GetType().Name}: {reason}";
        if (!switched && r.ContainerId is { } containerId)
        {
            // Before the switch any failure leaves the old slot serving: a preview or a canary share is taken back first.
            if (r.Run.Phase == RunPhase.Gated)
            {
                await ReturnToPreviousAsync(r, cancellationToken);
            }

            await StopQuietlyAsync(deployment, StopTimeoutOf(spec), containerId, cancellationToken);
        }

        var detail = switched ? $"{message} (traffic already on {deployment.Slot.Name()})" : message;
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Failed, detail, cancellationToken, detail, RolloutPosition.None);
        await audit.AppendAsync("engine", "deployment.failed", "failed", deployment.App, detail, cancellationToken, deployment.Id);
    }

    /// <summary>The app's own container.stop_timeout, or the host's Cutover:StopTimeout.</summary>
    private TimeSpan StopTimeoutOf(AppSpec spec) => spec.Container.Run.StopTimeout ?? options.Value.StopTimeout;

    private async Task StopQuietlyAsync(DeploymentView deployment, TimeSpan stopTimeout, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.StopAsync(containerId, stopTimeout, cancellationToken);
            await state.SetContainerRunningAsync(deployment.App, deployment.Slot, false, cancellationToken);
        }
        catch (ContainerRuntimeException ex)
        {
            Log.CleanupFailed(logger, deployment.App, deployment.Id, redactor.Redact(ex.Message));
        }
    }

    private async Task<string?> WhyNotRunningAsync(string containerId, CancellationToken cancellationToken)
    {
        var containers = await runtime.ListManagedAsync(cancellationToken);
        var container = containers.FirstOrDefault(c => c.Id == containerId);
        if (container is null)
        {
            return "the container disappeared";
        }

        if (container.Running)
        {
            return null;
        }

        var logs = await runtime.GetLogsAsync(containerId, 5, cancellationToken);
        // The reason is logged, stored with the deployment and audited: an app that prints its config must not leak it there.
        return $"the container is {container.State}" + (logs.Count > 0 ? $"; last output: {redactor.Redact(string.Join(" | ", logs))}" : string.Empty);
    }

    /// <summary>The container a deployment started, and the host port it is published on.</summary>
    private sealed record StartedSlot(string ContainerId, int Port);

    /// <summary>One deployment's rollout as it goes: what a failure, a cancel or an abort must undo.</summary>
    private sealed class Rollout(DeploymentView deployment, AppSpec spec, RunningDeployment run, AnalysisRun analysis)
    {
        public DeploymentView Deployment { get; } = deployment;

        public AppSpec Spec { get; } = spec;

        public RunningDeployment Run { get; } = run;

        public AnalysisRun Analysis { get; } = analysis;

        /// <summary>The new slot's container, once created.</summary>
        public string? ContainerId { get; set; }

        /// <summary>True once the new slot takes every new request.</summary>
        public bool Switched { get; set; }
    }

    /// <summary>Where a rollout begins: just healthy, or where a restart interrupted it.</summary>
    /// <remarks>
    /// After a restart: the manual promotion is awaited again (preview reopened); an interrupted canary step is taken up
    /// with its stored weight and holds its whole pause again (a manual one stays paused); a watch runs what is left of it.
    /// </remarks>
    /// <param name="Step">The canary step to take up; null: the promotion gate comes first.</param>
    /// <param name="WatchUntil">Set when the switch is done and only the watch is left.</param>
    /// <param name="Why">What the switch step says allowed it.</param>
    private sealed record ResumeFrom(int? Step, DateTimeOffset? WatchUntil, string Why)
    {
        public static ResumeFrom Healthy(string why) => new(null, null, why);

        public static ResumeFrom Stored(DeploymentView deployment) => deployment.Status switch
        {
            DeploymentStatus.Watching => new(null, deployment.WatchUntil ?? DateTimeOffset.MinValue, "resumed after a restart"),
            _ => new(deployment.CanaryStep, null, deployment.CanaryStep is null ? "promoted" : "canary steps done"),
        };
    }

    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Deployment {DeploymentId} of {App} completed: {Image} serves from {Slot}")]
        public static partial void Completed(ILogger logger, string app, long deploymentId, string image, Slot slot);

        [LoggerMessage(2, LogLevel.Warning, "Deployment {DeploymentId} of {App} rolled back: {Reason}")]
        public static partial void RolledBack(ILogger logger, string app, long deploymentId, string reason);

        [LoggerMessage(3, LogLevel.Error, "Deployment {DeploymentId} of {App} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string app, long deploymentId, string reason, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Deployment {DeploymentId} of {App} interrupted by shutdown; it is recovered at the next start")]
        public static partial void Interrupted(ILogger logger, string app, long deploymentId);

        [LoggerMessage(5, LogLevel.Warning, "Could not stop the new container of {App} (deployment {DeploymentId}): {Reason}")]
        public static partial void CleanupFailed(ILogger logger, string app, long deploymentId, string reason);

        [LoggerMessage(6, LogLevel.Error, "Proxy listener of {App} is down: {Reason}")]
        public static partial void ListenerDown(ILogger logger, string app, string reason);

        [LoggerMessage(7, LogLevel.Warning, "Deployment {DeploymentId} of {App} cancelled by {RequestedBy} before the switch")]
        public static partial void Cancelled(ILogger logger, string app, long deploymentId, string requestedBy);
    }
}
