namespace Cutover.Engine.Deployments;

/// <summary>Someone asks for a deployment of an app.</summary>
/// <param name="Image">The image to deploy; null means the app's configured image (for <see cref="DeploymentKind.Deploy"/>).</param>
/// <param name="RequestedBy">Who, e.g. <c>api:local</c>, <c>ui:alice</c>, <c>s3dock</c>, <c>config</c>.</param>
/// <param name="Metadata">Free-form JSON object from the requester (s3dock's git hash, promoted_by, ...).</param>
/// <param name="Address">Where the request came from, when over the network.</param>
/// <param name="IdempotencyKey">A retried request with the same key gets the first deployment back.</param>
public sealed record DeploymentRequest(
    string App,
    string? Image,
    DeploymentKind Kind,
    string RequestedBy,
    string? Reason = null,
    string? Metadata = null,
    string? Address = null,
    string? IdempotencyKey = null);

/// <summary>What a request got: a new deployment, or the one an earlier request with the same idempotency key started.</summary>
public sealed record DeploymentAdmission(DeploymentView Deployment, bool Replayed);

/// <summary>The request names an application apps.yaml does not have.</summary>
public sealed class UnknownAppException(string app) : Exception($"There is no application named '{app}' in apps.yaml.")
{
    public string App { get; } = app;
}

/// <summary>The app already has a deployment under way; one runs per app at a time.</summary>
public sealed class DeploymentConflictException(string app, long runningId)
    : Exception($"Application '{app}' already has deployment {runningId} under way; wait for it to finish and ask again.")
{
    public string App { get; } = app;

    public long RunningId { get; } = runningId;
}

/// <summary>The request cannot be carried out as asked (bad image reference, nothing to roll back to, ...).</summary>
public sealed class DeploymentRequestException(string message) : Exception(message);

/// <summary>An idempotency key already names a deployment of a different image.</summary>
public sealed class IdempotencyKeyReusedException(string key, DeploymentView first)
    : Exception($"Idempotency key '{key}' was first used for deployment {first.Id} of {first.Image}; use a new key for a different image.")
{
    public DeploymentView First { get; } = first;
}

/// <summary>A cancel that comes too late (the deployment switched or ended) or names no deployment under way.</summary>
public sealed class DeploymentCancelException(string message) : Exception(message);
