using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary>
/// <c>watch:</c> after the full switch the old slot keeps running (drained, not stopped) for the duration while the
/// analysis goes on, so a failure can switch back at once, with no cold start.
/// </summary>
public sealed class WatchWindow(DeploymentStore deployments, TimeProvider time)
{
    /// <param name="until">When the watch ends: null starts a new one; after a restart, the stored end.</param>
    /// <returns>Null when the watch passed, or the failed analysis interval.</returns>
    public async Task<AnalysisResult?> HoldAsync(DeploymentView deployment, AppSpec spec, AnalysisRun analysis, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        if (spec.Watch is not { } watch || deployment.PreviousSlot is not { } previous)
        {
            return null;
        }

        var end = until ?? time.GetUtcNow() + watch.Duration;
        analysis.Phase = "watch";
        analysis.Weight = 100;
        analysis.Start();
        var judged = spec.Analysis is null ? "no analysis configured" : "analysis continues";
        await deployments.TransitionAsync(
            deployment.Id,
            DeploymentStatus.Watching,
            $"{previous.Name()} kept running until {end:HH:mm:ss}Z ({RolloutWaits.Shown(end - time.GetUtcNow())}); {judged}; a failure or an abort switches back at once",
            cancellationToken,
            position: new RolloutPosition(null, null, end));

        var left = end - time.GetUtcNow();
        var waited = left > TimeSpan.Zero ? Task.Delay(left, time, cancellationToken) : Task.CompletedTask;
        var ended = await Task.WhenAny(waited, analysis.Failure);
        cancellationToken.ThrowIfCancellationRequested();
        return ended == analysis.Failure ? await analysis.Failure : null;
    }
}
