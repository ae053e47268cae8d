namespace Cutover.Web.Cli.Api.Models;

/// <summary>The body of <c>POST /api/apps/{app}/deployments</c>.</summary>
public sealed record DeployRequest(string Image, string? Reason, IReadOnlyDictionary<string, string>? Metadata);

/// <summary>The optional body of redeploy and rollback.</summary>
public sealed record ReasonRequest(string? Reason);
