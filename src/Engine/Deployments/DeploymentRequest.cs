namespace Cutover.Engine.Deployments;

/// <summary>Someone asks for a deployment of an app.</summary>
/// <param name="Image">The image to deploy; null means the app's configured image (for <see cref="DeploymentKind.Deploy"/>).</param>
/// <param name="RequestedBy">Who, e.g. <c>api:local</c>, <c>ui:alice</c>, <c>s3dock</c>, <c>config</c>.</param>
/// <param name="Metadata">Free-form JSON object from the requester (s3dock's git hash, promoted_by, ...).</param>
/// <param name="Address">Where the request came from, when over the network.</param>
/// <param name="IdempotencyKey">A retried request with the same key gets the first deployment back.</param>
/// <param name="To">For a <see cref="DeploymentKind.Rollback"/>: the release to go back to; null means the one that served before the current one.</param>
public sealed record DeploymentRequest(
    string App,
    string? Image,
    DeploymentKind Kind,
    string RequestedBy,
    string? Reason = null,
    string? Metadata = null,
    string? Address = null,
    string? IdempotencyKey = null,
    RollbackTo? To = null);

/// <summary>The release a rollback names (<c>--to</c>): an image this app has served, or one of its completed deployments.</summary>
public sealed record RollbackTo
{
    private RollbackTo(string? image, long? deploymentId) => (Image, DeploymentId) = (image, deploymentId);

    public string? Image { get; }

    public long? DeploymentId { get; }

    public static RollbackTo ToImage(string image) => new(image, null);

    public static RollbackTo ToDeployment(long id) => new(null, id);

    public override string ToString() => DeploymentId is { } id ? $"deployment {id}" : Image!;
}

/// <summary>The request cannot be carried out as asked (bad image reference, nothing to roll back to, ...).</summary>
public class DeploymentRequestException(string message) : Exception(message);

/// <summary>A rollback has no release to go to, or the one it names cannot be gone back to.</summary>
public sealed class RollbackTargetException(RollbackRefusal refusal, string message) : DeploymentRequestException(message)
{
    public RollbackRefusal Refusal { get; } = refusal;
}

/// <summary>Why a rollback was refused, so the API can answer 404, 400 or 409 accordingly.</summary>
public enum RollbackRefusal
{
    /// <summary>No completed deployment has an image other than the one serving.</summary>
    NoEarlierRelease,

    /// <summary>The named deployment does not exist.</summary>
    UnknownDeployment,

    /// <summary>The named deployment is of another application.</summary>
    OtherApp,

    /// <summary>The named deployment never completed, so its image never served as a release.</summary>
    NotCompleted,

    /// <summary>The named image never completed a deployment of this application.</summary>
    NotARelease,

    /// <summary>The named release is the one serving now.</summary>
    AlreadyServing,
}
