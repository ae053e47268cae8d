using Cutover.Engine.Model;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>What an application serves right now: the source of truth for routing after a restart.</summary>
public sealed class AppState
{
    public required string Name { get; set; }

    public Slot? ActiveSlot { get; set; }

    public string? ActiveImage { get; set; }

    public long? ActiveDeploymentId { get; set; }

    /// <summary>
    /// The apps.yaml image last acted on (deployed or queued). A different image in apps.yaml at start-up is an edit
    /// made while Cutover was stopped, and deploys; the same one is not, and the last deployed image keeps serving.
    /// </summary>
    public string? ConfigImage { get; set; }

    public DateTime UpdatedAt { get; set; }
}
