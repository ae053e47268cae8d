using Cutover.Engine.Deployments;
using Cutover.Engine.Model;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>One deployment of an image to a slot, with every step it went through.</summary>
public sealed class DeploymentRecord
{
    public long Id { get; set; }

    public required string App { get; set; }

    public required string Image { get; set; }

    public DeploymentKind Kind { get; set; }

    /// <summary>The slot the new container runs in.</summary>
    public Slot Slot { get; set; }

    /// <summary>The slot that served before, drained after the switch; null on an app's first deployment.</summary>
    public Slot? PreviousSlot { get; set; }

    public string? PreviousImage { get; set; }

    public DeploymentStatus Status { get; set; }

    /// <summary>Who asked, e.g. <c>api:local</c>, <c>ui:alice</c>, <c>s3dock</c>, <c>config</c>.</summary>
    public required string RequestedBy { get; set; }

    public string? Reason { get; set; }

    /// <summary>Free-form JSON from the requester (s3dock's git hash, promoted_by, ...).</summary>
    public string? Metadata { get; set; }

    /// <summary>The requester's Idempotency-Key: a retried request with the same key gets this deployment back.</summary>
    public string? IdempotencyKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public string? Error { get; set; }

    public List<DeploymentStep> Steps { get; set; } = [];

    /// <summary>The canary step under way (0-based), so a restart restores its weight; null before the first step.</summary>
    public int? CanaryStep { get; set; }

    /// <summary>The new slot's share of new requests in percent while a canary step holds; null when one slot takes all.</summary>
    public int? CanaryWeight { get; set; }

    /// <summary>When the post-switch watch ends, so a restart resumes only what is left of it.</summary>
    public DateTime? WatchUntil { get; set; }

    /// <summary>Each analysis interval judged while the new slot took traffic (canary steps and the watch).</summary>
    public List<DeploymentAnalysis> Analyses { get; set; } = [];
}
