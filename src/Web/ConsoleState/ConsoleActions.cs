using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Hosting;
using Cutover.Web.Api;

namespace Cutover.Web.ConsoleState;

/// <summary>The operator's intents from the console, carried out by the engine under the console user's name.</summary>
public sealed class ConsoleActions(DeploymentCoordinator coordinator, EngineReadiness readiness, ConsoleUser user)
{
    public Task<ActionOutcome> RedeployAsync(string app) =>
        RequestAsync(new DeploymentRequest(app, null, DeploymentKind.Redeploy, user.RequestedBy, "redeploy from the console", Address: user.Address));

    /// <param name="toDeployment">The release the confirmation named (its deployment), so the rollback goes where the operator agreed to.</param>
    public Task<ActionOutcome> RollbackAsync(string app, long? toDeployment = null) =>
        RequestAsync(new DeploymentRequest(
            app, null, DeploymentKind.Rollback, user.RequestedBy, "rollback from the console", Address: user.Address,
            To: toDeployment is { } id ? RollbackTo.ToDeployment(id) : null));

    public Task<ActionOutcome> DeployAsync(string app, string image)
    {
        var trimmed = image.Trim();
        return ValidateImage(trimmed) is { } error
            ? Task.FromResult(ActionOutcome.Refused(error))
            : RequestAsync(new DeploymentRequest(app, trimmed, DeploymentKind.Deploy, user.RequestedBy, "deploy from the console", Address: user.Address));
    }

    public async Task<ActionOutcome> CancelAsync(long deploymentId)
    {
        if (Starting() is { } starting)
        {
            return starting;
        }

        return await coordinator.CancelAsync(deploymentId, user.RequestedBy, user.Address, CancellationToken.None) switch
        {
            Admission.Refused refused => ActionOutcome.Refused(refused.Refusal.Reason),
            _ => ActionOutcome.Done($"Cancel of deployment {deploymentId} requested.", deploymentId),
        };
    }

    /// <summary>Ends a paused wait or a canary step's hold: the next step, or with <paramref name="full"/> straight to 100%.</summary>
    public async Task<ActionOutcome> PromoteAsync(long deploymentId, bool full)
    {
        if (Starting() is { } starting)
        {
            return starting;
        }

        return await coordinator.PromoteAsync(deploymentId, full, user.RequestedBy, user.Address, CancellationToken.None) switch
        {
            Admission.Refused refused => ActionOutcome.Refused(refused.Refusal.Reason),
            _ => ActionOutcome.Done(full ? $"Deployment {deploymentId} promoted to 100%." : $"Deployment {deploymentId} promoted to its next step.", deploymentId),
        };
    }

    /// <summary>Stops a deployment before it completes; once traffic reached the new slot, it goes back to the old one at once.</summary>
    public async Task<ActionOutcome> AbortAsync(long deploymentId)
    {
        if (Starting() is { } starting)
        {
            return starting;
        }

        return await coordinator.AbortAsync(deploymentId, user.RequestedBy, user.Address, CancellationToken.None) switch
        {
            Admission.Refused refused => ActionOutcome.Refused(refused.Refusal.Reason),
            _ => ActionOutcome.Done($"Abort of deployment {deploymentId} requested.", deploymentId),
        };
    }

    /// <summary>Why an image reference is not valid, or null; the deploy dialog checks as the operator types.</summary>
    public static string? ValidateImage(string? image) =>
        string.IsNullOrWhiteSpace(image) ? "Enter an image, e.g. shop:1.4.2."
        : ImageReference.IsValid(image.Trim(), out var error) ? null
        : $"'{ImageReference.Shown(image.Trim())}' is not a valid image reference: {error}";

    /// <summary>Refuses every change until the engine has reconciled, with the API's sentence (see <see cref="StartupGate"/>).</summary>
    private ActionOutcome? Starting() =>
        readiness.IsReconciled ? null : ActionOutcome.Refused($"{StartupGate.Title}: {StartupGate.Detail(readiness)}");

    private async Task<ActionOutcome> RequestAsync(DeploymentRequest request)
    {
        if (Starting() is { } starting)
        {
            return starting;
        }

        return await coordinator.RequestAsync(request, CancellationToken.None) switch
        {
            Admission.Accepted { Deployment: var d } => ActionOutcome.Done($"Deployment {d.Id} of {d.Image} to {d.App} started.", d.Id),
            Admission.Refused refused => ActionOutcome.Refused(refused.Refusal.Reason),
            _ => throw new InvalidOperationException("An admission is accepted or refused."),
        };
    }
}

/// <summary>What became of an intent: a sentence for the operator and, when one started, the deployment's id.</summary>
public sealed record ActionOutcome(bool Accepted, string Message, long? DeploymentId)
{
    public static ActionOutcome Done(string message, long? deploymentId) => new(true, message, deploymentId);

    public static ActionOutcome Refused(string message) => new(false, message, null);
}
