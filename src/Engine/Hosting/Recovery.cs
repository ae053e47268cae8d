using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Runtime;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Hosting;

/// <summary>Brings the proxy, SQLite and Docker back into agreement after a start, a crash or a Docker outage.</summary>
public sealed partial class Recovery(
    AppsConfigMonitor config,
    AppStateStore state,
    DeploymentStore deployments,
    DeploymentCoordinator coordinator,
    ConfigDeployments configDeployments,
    DesiredState desired,
    IContainerRuntime runtime,
    ITrafficSwitch traffic,
    AuditLog audit,
    Maintenance.AppMaintenance maintenance,
    IOptions<EngineOptions> options,
    ILogger<Recovery> logger)
{
    /// <summary>Serves every app from the slot SQLite says is active, without asking Docker (which may be down).</summary>
    public async Task RestoreRoutesAsync(CancellationToken cancellationToken)
    {
        // Before any listener binds: an app in maintenance never serves a request from its slot in between.
        await maintenance.RestoreAsync(cancellationToken);
        var states = await state.GetAllAsync(cancellationToken);
        var containers = await state.GetContainersAsync(null, cancellationToken);
        foreach (var spec in config.Current.Apps.Values)
        {
            await traffic.ServeAsync(spec.Name, spec.Listen, PortsOf(spec, containers), spec.Proxy, cancellationToken);
            var active = states.TryGetValue(spec.Name, out var s) ? s.ActiveSlot : null;
            traffic.Route(spec.Name, active);
            Log.Restored(logger, spec.Name, active?.Name() ?? "nothing");
        }
    }

    /// <summary>Finishes or rolls back interrupted deployments, removes orphans, and deploys apps that serve nothing.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var interrupted in await deployments.ListUnfinishedAsync(cancellationToken))
        {
            // Reconciling again after a Docker outage: a deployment of this process is under way, not interrupted.
            if (coordinator.RunningFor(interrupted.App) != interrupted.Id)
            {
                await RecoverAsync(interrupted, cancellationToken);
            }
        }

        var present = await runtime.ListManagedAsync(cancellationToken);
        present = await RemoveOrphansAsync(present, cancellationToken);
        await RemoveOneOffsAsync(cancellationToken);
        await ForgetVanishedAsync(present, cancellationToken);

        var states = await state.GetAllAsync(cancellationToken);
        foreach (var spec in config.Current.Apps.Values)
        {
            var stored = states.GetValueOrDefault(spec.Name);
            if (coordinator.RunningFor(spec.Name) is null && await configDeployments.CatchUpAsync(spec, stored, cancellationToken))
            {
                continue;
            }

            await EnsureRunningAsync(spec, stored?.ActiveSlot, present, cancellationToken);
        }
    }

    /// <summary>The slot ports as the containers were published, falling back to apps.yaml for empty slots.</summary>
    public static SlotPorts PortsOf(AppSpec spec, IReadOnlyList<ContainerRecord> containers)
    {
        int PortOf(Slot slot) => containers.FirstOrDefault(c => c.App == spec.Name && c.Slot == slot)?.HostPort ?? spec.Slots.Of(slot);
        return new SlotPorts(PortOf(Slot.Blue), PortOf(Slot.Green));
    }

    private async Task RecoverAsync(Deployments.DeploymentView deployment, CancellationToken cancellationToken)
    {
        if (await TryResumeAsync(deployment, cancellationToken))
        {
            return;
        }

        var app = await state.GetAsync(deployment.App, cancellationToken);
        if (app?.ActiveDeploymentId == deployment.Id)
        {
            // Traffic had reached the new slot: finish by stopping the old one (its connections died with the host).
            var message = "finished after a restart";
            if (deployment.PreviousSlot is { } previous && await state.GetContainerAsync(deployment.App, previous, cancellationToken) is { } old)
            {
                await runtime.StopAsync(old.ContainerId, options.Value.StopTimeout, cancellationToken);
                await state.SetContainerRunningAsync(deployment.App, previous, false, cancellationToken);
                message += $"; {previous.Name()} stopped and kept for rollback";
            }

            await deployments.TransitionAsync(deployment.Id, DeploymentStatus.Completed, message, cancellationToken);
            await audit.AppendAsync("engine", "deployment.recovered", "ok", deployment.App, message, cancellationToken, deployment.Id);
            Log.Finished(logger, deployment.App, deployment.Id);
            return;
        }

        // The new slot never served: stop its container, as a rollback would.
        if (await state.GetContainerAsync(deployment.App, deployment.Slot, cancellationToken) is { } created && created.DeploymentId == deployment.Id)
        {
            await runtime.StopAsync(created.ContainerId, options.Value.StopTimeout, cancellationToken);
            await state.SetContainerRunningAsync(deployment.App, deployment.Slot, false, cancellationToken);
        }

        var reason = $"interrupted by a restart while {deployment.Status.ToSnakeCase()}, before the switch";
        await deployments.TransitionAsync(deployment.Id, DeploymentStatus.RolledBack, reason, cancellationToken, reason);
        await audit.AppendAsync("engine", "deployment.recovered", "failed", deployment.App, reason, cancellationToken, deployment.Id);
        Log.RolledBack(logger, deployment.App, deployment.Id, deployment.Status);
    }

    /// <summary>
    /// A deployment held for a person or a timer goes on where it was, as Argo Rollouts does after a controller restart:
    /// <c>paused</c> stays paused (preview reopened), a canary step gets its stored weight back and holds again, a watch
    /// runs what is left of it. Only when the containers it needs still run; otherwise it is rolled back (before the
    /// switch) or finished (watching), as any interrupted deployment.
    /// </summary>
    private async Task<bool> TryResumeAsync(Deployments.DeploymentView deployment, CancellationToken cancellationToken)
    {
        if (deployment.Status is not (DeploymentStatus.Paused or DeploymentStatus.Canary or DeploymentStatus.Watching)
            || !config.Current.Apps.TryGetValue(deployment.App, out var spec))
        {
            return false;
        }

        var present = await runtime.ListManagedAsync(cancellationToken);
        async Task<string?> RunningContainerAsync(Slot slot, string? image)
        {
            var record = await state.GetContainerAsync(deployment.App, slot, cancellationToken);
            return record is not null && (image is null || record.Image == image) && present.Any(c => c.Id == record.ContainerId && c.Running) ? record.ContainerId : null;
        }

        if (await RunningContainerAsync(deployment.Slot, deployment.Image) is not { } containerId)
        {
            return false;
        }

        // A watch switches back without a cold start or not at all: with the old slot stopped it is finished instead.
        if (deployment.Status == DeploymentStatus.Watching
            && (deployment.PreviousSlot is not { } previous || await RunningContainerAsync(previous, null) is null))
        {
            return false;
        }

        if (!coordinator.Resume(deployment, spec, containerId))
        {
            return false;
        }

        await audit.AppendAsync("engine", "deployment.recovered", "ok", deployment.App, $"resumed while {deployment.Status.ToSnakeCase()} after a restart", cancellationToken, deployment.Id);
        return true;
    }

    private async Task<IReadOnlyList<ManagedContainer>> RemoveOrphansAsync(IReadOnlyList<ManagedContainer> present, CancellationToken cancellationToken)
    {
        var records = await state.GetContainersAsync(null, cancellationToken);
        var kept = new List<ManagedContainer>();
        foreach (var container in present)
        {
            if (coordinator.RunningFor(container.App) is not null)
            {
                // Reconciling while running (after a Docker outage): a deployment may have created this and not stored it yet.
                kept.Add(container);
                continue;
            }

            var known = config.Current.Apps.ContainsKey(container.App)
                && records.Any(r => r.App == container.App && r.Slot == container.Slot && r.ContainerId == container.Id);
            if (known)
            {
                kept.Add(container);
                continue;
            }

            if (container.Instance is null)
            {
                // Unlabelled and not tracked here: it may be another host's from before instances were labelled.
                Log.UnownedLeft(logger, container.Name, container.Image);
                continue;
            }

            await runtime.RemoveAsync(container.Id, cancellationToken);
            await audit.AppendAsync("engine", "container.orphan_removed", "ok", container.App, $"{container.Name} ({container.Image})", cancellationToken);
            Log.OrphanRemoved(logger, container.Name, container.Image);
        }

        return kept;
    }

    /// <summary>Removes one-off containers (a release command's) that a crash or a failed clean-up left behind: none outlives its deployment.</summary>
    private async Task RemoveOneOffsAsync(CancellationToken cancellationToken)
    {
        foreach (var container in await runtime.ListOneOffsAsync(cancellationToken))
        {
            // Reconciling while running (after a Docker outage): a deployment of this process may be running it now.
            if (coordinator.RunningFor(container.App) is not null)
            {
                continue;
            }

            await runtime.RemoveAsync(container.Id, cancellationToken);
            await audit.AppendAsync("engine", "container.orphan_removed", "ok", container.App, $"{container.Name} ({container.Role} of deployment {container.DeploymentId ?? "?"}, {(container.Running ? "running" : "exited")})", cancellationToken);
            Log.OneOffRemoved(logger, container.Name, container.Role);
        }
    }

    private async Task ForgetVanishedAsync(IReadOnlyList<ManagedContainer> present, CancellationToken cancellationToken)
    {
        foreach (var record in await state.GetContainersAsync(null, cancellationToken))
        {
            if (!present.Any(c => c.Id == record.ContainerId) && coordinator.RunningFor(record.App) is null)
            {
                await state.ForgetContainerAsync(record.App, record.Slot, cancellationToken);
                Log.Vanished(logger, record.App, record.Slot);
            }
        }
    }

    private async Task EnsureRunningAsync(AppSpec spec, Slot? active, IReadOnlyList<ManagedContainer> present, CancellationToken cancellationToken)
    {
        if (coordinator.RunningFor(spec.Name) is not null)
        {
            return;
        }

        var activeContainer = active is { } slot ? present.FirstOrDefault(c => c.App == spec.Name && c.Slot == slot) : null;
        foreach (var idle in present.Where(c => c.App == spec.Name && c.Running && c != activeContainer))
        {
            // e.g. a crash mid-drain left the old slot running: it serves nothing now.
            await runtime.StopAsync(idle.Id, spec.Container.Run.StopTimeout ?? options.Value.StopTimeout, cancellationToken);
            await state.SetContainerRunningAsync(spec.Name, idle.Slot, false, cancellationToken);
        }

        if (activeContainer is { Running: false })
        {
            await runtime.StartAsync(activeContainer.Id, cancellationToken);
            await state.SetContainerRunningAsync(spec.Name, activeContainer.Slot, true, cancellationToken);
            Log.Restarted(logger, spec.Name, activeContainer.Name);
        }
        else if (active is null)
        {
            await configDeployments.RequestAsync(spec, "first start", cancellationToken, requester: "engine");
        }
        else if (activeContainer is null)
        {
            // The desired image, not apps.yaml's: a release deployed since must not be undone by a lost container.
            var image = await desired.ImageOfAsync(spec, cancellationToken);
            var reason = $"the {active.Value.Name()} container is gone; starting {image}, the image of the last completed deployment";
            var admission = await coordinator.RequestAsync(new DeploymentRequest(spec.Name, image, DeploymentKind.Deploy, "engine", reason), cancellationToken);
            // Refused as under way: someone asked first; that deployment will do.
            if (admission is not Admission.Refused { Refusal.Kind: RefusalKind.UnderWay })
            {
                admission.AcceptedDeployment();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Serving {App} from {Slot} as stored")]
        public static partial void Restored(ILogger logger, string app, string slot);

        [LoggerMessage(2, LogLevel.Warning, "Deployment {DeploymentId} of {App} had switched before the restart; finished it")]
        public static partial void Finished(ILogger logger, string app, long deploymentId);

        [LoggerMessage(3, LogLevel.Warning, "Deployment {DeploymentId} of {App} was interrupted while {Status}; rolled back")]
        public static partial void RolledBack(ILogger logger, string app, long deploymentId, DeploymentStatus status);

        [LoggerMessage(4, LogLevel.Warning, "Removed orphan container {Container} ({Image})")]
        public static partial void OrphanRemoved(ILogger logger, string container, string image);

        [LoggerMessage(5, LogLevel.Warning, "The {Slot} container of {App} is gone from Docker; forgot it")]
        public static partial void Vanished(ILogger logger, string app, Slot slot);

        [LoggerMessage(6, LogLevel.Warning, "Started the stopped active container {Container} of {App}")]
        public static partial void Restarted(ILogger logger, string app, string container);

        [LoggerMessage(7, LogLevel.Warning, "Left container {Container} ({Image}) alone: it has no instance label and this instance does not track it")]
        public static partial void UnownedLeft(ILogger logger, string container, string image);

        [LoggerMessage(8, LogLevel.Warning, "Removed the leftover one-off container {Container} ({Role})")]
        public static partial void OneOffRemoved(ILogger logger, string container, string role);
    }
}
