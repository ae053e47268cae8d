using System.Text.Json;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;

namespace Cutover.Web.Api;

/// <summary>The body of a deployment request.</summary>
/// <param name="Metadata">Any JSON object, e.g. s3dock's git_hash, promoted_by and source_tag.</param>
public sealed record DeployBody(string? Image, string? Reason, JsonElement? Metadata);

/// <summary>The optional body of a redeploy.</summary>
public sealed record ReasonBody(string? Reason);

/// <summary>The optional body of a rollback.</summary>
/// <param name="To">The release to go back to: an image reference (a string) or a deployment id (a number); absent means the previous release.</param>
public sealed record RollbackBody(string? Reason, JsonElement? To);

/// <summary>The tail of a slot container's output.</summary>
public sealed record ContainerLogsView(string App, Slot Slot, string ContainerId, IReadOnlyList<string> Lines);

/// <summary>The host at a glance.</summary>
public sealed record HostStatusView(
    string Version, DateTimeOffset StartedAt, string AppsFile, int Apps, IReadOnlyList<DeploymentView> Running, ConfigRejection? LastConfigRejection, HostDockerView Docker);

/// <summary>What the host knows of the Docker daemon's settings.</summary>
/// <param name="LiveRestore">Docker's live-restore; null until Docker has answered once.</param>
/// <param name="Warning">What to do about it, while live-restore is off.</param>
public sealed record HostDockerView(bool? LiveRestore, string? Warning);

/// <summary>The apps.yaml in force, secrets redacted, and why the last edit was refused if it was.</summary>
public sealed record ConfigView(string Path, string Text, ConfigRejection? LastRejection);
