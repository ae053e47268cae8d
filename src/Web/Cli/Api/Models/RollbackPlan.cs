namespace Cutover.Web.Cli.Api.Models;

/// <summary><c>GET /api/apps/{app}/rollback</c>: where a rollback would go, from what serves now.</summary>
public sealed record RollbackPlan(string App, string? Serving, Release Target, IReadOnlyList<Release> Releases);

/// <summary>An image the app has served, with the newest deployment that completed with it.</summary>
public sealed record Release(string Image, long DeploymentId, DateTimeOffset CompletedAt);

/// <summary>The optional body of a rollback: <paramref name="To"/> is an image (string) or a deployment id (number).</summary>
public sealed record RollbackRequest(string? Reason, object? To);
