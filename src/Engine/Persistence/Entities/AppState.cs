using Cutover.Engine.Model;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>What an application serves right now: the source of truth for routing after a restart.</summary>
public sealed class AppState
{
    public required string Name { get; set; }

    public Slot? ActiveSlot { get; set; }

    public string? ActiveImage { get; set; }

    public long? ActiveDeploymentId { get; set; }

    public DateTime UpdatedAt { get; set; }
}
