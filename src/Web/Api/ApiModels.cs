using Cutover.Engine.Deployments;

namespace Cutover.Web.Api;

/// <summary>The body of a deployment request.</summary>
public sealed record DeployBody(string? Image, string? Reason);

/// <summary>The answer to an accepted deployment request.</summary>
public sealed record DeploymentAccepted(long Id, string App, string Image, DeploymentStatus Status, string Url);
