namespace Cutover.Engine.Deployments;

/// <summary>An image an app has served: the newest of its deployments that completed with that image.</summary>
public sealed record Release(string Image, long DeploymentId, DateTimeOffset CompletedAt);

/// <summary>Where a rollback goes, from what serves now, and the earlier releases it could name instead (newest first).</summary>
/// <param name="Serving">The image serving now; null when nothing does.</param>
public sealed record RollbackPlan(string App, string? Serving, Release Target, IReadOnlyList<Release> Releases);
