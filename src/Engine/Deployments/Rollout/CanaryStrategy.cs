using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Persistence;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary>
/// <c>strategy: canary</c>: the new slot's share of new requests steps up through <c>canary.steps</c>, each held for
/// its pause (or <c>paused</c> until promoted), while the analysis judges the new slot; a failed interval stops it.
/// </summary>
/// <remarks>A promote ends the current hold (the next step); a full promote skips the remaining steps.</remarks>
public sealed partial class CanaryStrategy(ITrafficSwitch traffic, DeploymentStore deployments, TimeProvider time, ILogger<CanaryStrategy> logger) : IRolloutStrategy
{
    public async Task<AnalysisResult?> ShiftAsync(DeploymentView deployment, AppSpec spec, RunningDeployment run, AnalysisRun analysis, int fromStep, CancellationToken cancellationToken)
    {
        if (spec.Canary is not { } canary || deployment.PreviousSlot is not { } stable)
        {
            // An app's first deployment has no old slot to share traffic with: it switches as blue-green does.
            return null;
        }

        var steps = canary.Steps;
        for (var i = Math.Max(0, fromStep); i < steps.Count; i++)
        {
            var step = steps[i];
            // Waiting before the step is stored: a promote that arrives as soon as the API shows the step is taken.
            var promoted = run.AwaitPromotion();
            traffic.Split(spec.Name, new TrafficSplit(stable, deployment.Slot, step.Weight, canary.Sticky));
            analysis.Weight = step.Weight;
            analysis.Start();
            var of = $"step {i + 1} of {steps.Count}";
            var (status, message) = step.Pause is { } hold
                ? (DeploymentStatus.Canary, $"weight {step.Weight}%, holding {RolloutWaits.Shown(hold)} ({of})")
                : (DeploymentStatus.Paused, $"weight {step.Weight}%, paused until promoted ({of})");
            await deployments.TransitionAsync(deployment.Id, status, message, cancellationToken, position: new RolloutPosition(i, step.Weight, null));

            var waited = step.Pause is { } pause ? Task.Delay(pause, time, cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
            var ended = await Task.WhenAny(promoted, waited, analysis.Failure);
            run.StopAwaitingPromotion();
            cancellationToken.ThrowIfCancellationRequested();
            if (ended == analysis.Failure)
            {
                return await analysis.Failure;
            }

            if (ended == promoted)
            {
                if (promoted.IsCanceled)
                {
                    // Only an accepted abort cancels a promotion wait; its token is about to fire.
                    throw new OperationCanceledException(run.CancelToken);
                }

                var promotion = await promoted;
                Log.Promoted(logger, spec.Name, deployment.Id, step.Weight, promotion.RequestedBy, promotion.Full);
                if (promotion.Full)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Deployment {DeploymentId} of {App} promoted at {Weight}% by {RequestedBy} (full: {Full})")]
        public static partial void Promoted(ILogger logger, string app, long deploymentId, int weight, string requestedBy, bool full);
    }
}
