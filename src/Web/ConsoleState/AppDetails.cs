using System.Runtime.CompilerServices;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;

namespace Cutover.Web.ConsoleState;

/// <summary>What an app's page reads beyond the live card: longer health history, the deployments, the container output.</summary>
public sealed class AppDetails(
    AppsConfigMonitor config,
    DeploymentStore deployments,
    HealthStore health,
    ContainerOutput output,
    RollbackTargets rollbackTargets)
{
    public const int HistoryChecks = 200;

    public DrainSpec? DrainOf(string app) => config.Current.Apps.TryGetValue(app, out var spec) ? spec.Drain : null;

    /// <summary>The app's spec as apps.yaml says now (canary steps, thresholds, preview), or null when it is gone.</summary>
    public AppSpec? SpecOf(string app) => config.Current.Apps.GetValueOrDefault(app);

    public async Task<IReadOnlyList<HealthResult>> HealthHistoryAsync(string app, Slot slot, CancellationToken cancellationToken)
    {
        var checks = await health.ListAsync(app, slot, HistoryChecks, cancellationToken);
        return checks.Reverse()
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
    public async Task<OutputLines> LogsAsync(string app, Slot slot, int tail, CancellationToken cancellationToken)
    {
        if (await output.LocateAsync(app, slot, cancellationToken) is not OutputSource.Container container)
        {
            return new OutputLines([], $"{app} has no {slot.Name()} container.");
        }

        try
        {
            return new OutputLines(await output.TailAsync(container, tail, cancellationToken), null);
        }
        catch (ContainerRuntimeException ex)
        {
            return new OutputLines([], ex.Message);
        }
    }

    /// <summary>The slot container's last lines and then each new one, secrets masked, until it stops or the caller cancels.</summary>
    /// <exception cref="ContainerRuntimeException">The slot has no container, or Docker cannot give its output.</exception>
    public async IAsyncEnumerable<string> FollowLogsAsync(string app, Slot slot, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = await output.LocateAsync(app, slot, cancellationToken) as OutputSource.Container
            ?? throw new ContainerRuntimeException($"{app} has no {slot.Name()} container.");
        await foreach (var line in output.FollowAsync(container, tail, cancellationToken))
        {
            yield return line;
        }
    }
}

/// <summary>A container's output lines, or why there are none.</summary>
public sealed record OutputLines(IReadOnlyList<string> Lines, string? Problem);
