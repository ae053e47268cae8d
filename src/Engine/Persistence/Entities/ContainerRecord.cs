using Cutover.Engine.Model;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>The container a slot holds (running, or stopped and kept for a rollback).</summary>
public sealed class ContainerRecord
{
    public required string App { get; set; }

    public Slot Slot { get; set; }

    public required string ContainerId { get; set; }

    public required string Image { get; set; }

    /// <summary>The host port the container is published on (127.0.0.1 only).</summary>
    public int HostPort { get; set; }

    public long DeploymentId { get; set; }

    public bool Running { get; set; }

    public DateTime UpdatedAt { get; set; }
}
