using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary>How a healthy new slot comes to take traffic before the full switch (<c>strategy:</c>).</summary>
public interface IRolloutStrategy
{
    /// <param name="fromStep">The step to begin with: 0, or the stored step after a restart.</param>
    /// <returns>Null when the full switch may follow, or the failed analysis interval that stops the rollout.</returns>
    Task<AnalysisResult?> ShiftAsync(DeploymentView deployment, AppSpec spec, RunningDeployment run, AnalysisRun analysis, int fromStep, CancellationToken cancellationToken);
}

/// <summary>Today's blue-green: nothing between healthy and the switch.</summary>
public sealed class BlueGreenStrategy : IRolloutStrategy
{
    public Task<AnalysisResult?> ShiftAsync(DeploymentView deployment, AppSpec spec, RunningDeployment run, AnalysisRun analysis, int fromStep, CancellationToken cancellationToken) =>
        Task.FromResult<AnalysisResult?>(null);
}
