namespace Cutover.Engine.Deployments;

/// <summary>Someone asks for a deployment of an app.</summary>
/// <param name="Image">The image to deploy; null means the app's configured image (for <see cref="DeploymentKind.Deploy"/>).</param>
/// <param name="RequestedBy">Who, e.g. <c>api:local</c>, <c>ui:alice</c>, <c>s3dock</c>, <c>config</c>.</param>
/// <param name="Address">Where the request came from, when over the network.</param>
public sealed record DeploymentRequest(
    string App,
    string? Image,
    DeploymentKind Kind,
    string RequestedBy,
    string? Reason = null,
    string? Metadata = null,
    string? Address = null);

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
