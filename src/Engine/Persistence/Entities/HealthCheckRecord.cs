using Cutover.Engine.Model;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>One HTTP health check of a slot.</summary>
public sealed class HealthCheckRecord
{
    public long Id { get; set; }

    public required string App { get; set; }

    public Slot Slot { get; set; }

    public DateTime At { get; set; }

    public int? StatusCode { get; set; }

    public double LatencyMs { get; set; }

    public bool Healthy { get; set; }

    public string? Error { get; set; }

    /// <summary>Set while the check belongs to a deployment's health gate.</summary>
    public long? DeploymentId { get; set; }
}
