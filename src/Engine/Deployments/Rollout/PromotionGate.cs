using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary><c>promotion: manual</c>: a healthy new slot waits in <c>paused</c> until a person promotes it (or aborts).</summary>
public sealed class PromotionGate(DeploymentStore deployments)
{
    /// <param name="preview">What the step says about the preview listener, if any.</param>
    /// <returns>The promotion, or null when the app promotes by itself.</returns>
    public async Task<Promotion?> WaitAsync(DeploymentView deployment, AppSpec spec, RunningDeployment run, string? preview, CancellationToken cancellationToken)
    {
        // An app's first deployment has nothing serving to hold back: like Argo's first rollout, it is not paused.
        if (spec.Promotion != PromotionMode.Manual || deployment.PreviousSlot is null)
        {
            return null;
        }

        // Waiting before the step is stored: a promote that arrives as soon as the API shows `paused` is taken.
        var promoted = run.AwaitPromotion();
        var serving = $"{deployment.PreviousSlot.Value.Name()} keeps serving";
        await deployments.TransitionAsync(
            deployment.Id,
            DeploymentStatus.Paused,
            $"healthy; {serving}{(preview is null ? string.Empty : $"; {preview}")}; waiting for promote or abort",
            cancellationToken,
            position: RolloutPosition.None);
        try
        {
            // An abort cancels this wait (and the token): the runner tells it from a failure by run.CancelledBy.
            return await promoted.WaitAsync(cancellationToken);
        }
        finally
        {
            run.StopAwaitingPromotion();
        }
    }
}
