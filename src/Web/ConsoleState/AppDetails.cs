using System.Runtime.CompilerServices;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;

namespace Cutover.Web.ConsoleState;

/// <summary>What an app's page reads beyond the live card: longer health history, the deployments, the container output.</summary>
public sealed class AppDetails(
    AppsConfigMonitor config,
    DeploymentStore deployments,
    HealthStore health,
    AppStateStore state,
    IContainerRuntime runtime,
    RollbackTargets rollbackTargets,
    SecretRedactor redactor)
{
    public const int HistoryChecks = 200;

    public DrainSpec? DrainOf(string app) => config.Current.Apps.TryGetValue(app, out var spec) ? spec.Drain : null;

    public async Task<IReadOnlyList<HealthResult>> HealthHistoryAsync(string app, Slot slot, CancellationToken cancellationToken)
    {
        var checks = await health.ListAsync(app, slot, HistoryChecks, cancellationToken);
        return checks.OrderBy(c => c.Id)
            .Select(c => c.ToResult())
            .ToArray();
    }

    public async Task<IReadOnlyList<DeploymentView>> RecentDeploymentsAsync(string app, CancellationToken cancellationToken) =>
        (await deployments.ListAsync(app, null, 0, 20, cancellationToken)).Items;

    /// <summary>Where a rollback would go now and the earlier releases to choose from; the confirmation shows them.</summary>
    /// <exception cref="DeploymentRequestException">There is no earlier release.</exception>
    public Task<RollbackPlan> RollbackPlanAsync(string app, CancellationToken cancellationToken) =>
        rollbackTargets.PlanAsync(app, null, cancellationToken);

    /// <summary>The slot container's last lines, secrets masked; a sentence instead when there is nothing to read.</summary>
    public async Task<ContainerOutput> LogsAsync(string app, Slot slot, int tail, CancellationToken cancellationToken)
    {
        if (await state.GetContainerAsync(app, slot, cancellationToken) is not { } container)
        {
            return new ContainerOutput([], $"{app} has no {slot.Name()} container.");
        }

        try
        {
            var lines = await runtime.GetLogsAsync(container.ContainerId, tail, cancellationToken);
            return new ContainerOutput(lines.Select(redactor.Redact).ToArray(), null);
        }
        catch (ContainerRuntimeException ex)
        {
            return new ContainerOutput([], ex.Message);
        }
    }

    /// <summary>The slot container's last lines and then each new one, secrets masked, until it stops or the caller cancels.</summary>
    /// <exception cref="ContainerRuntimeException">The slot has no container, or Docker cannot give its output.</exception>
    public async IAsyncEnumerable<string> FollowLogsAsync(string app, Slot slot, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = await state.GetContainerAsync(app, slot, cancellationToken)
            ?? throw new ContainerRuntimeException($"{app} has no {slot.Name()} container.");
        await foreach (var line in runtime.FollowLogsAsync(container.ContainerId, tail, cancellationToken))
        {
            yield return redactor.Redact(line);
        }
    }
}

/// <summary>A container's output lines, or why there are none.</summary>
public sealed record ContainerOutput(IReadOnlyList<string> Lines, string? Problem);
