using System.Text.Json.Serialization;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Engine.Status;

/// <summary>One application as operators see it: what serves, how healthy, how busy, what is under way.</summary>
/// <param name="Health">healthy | unhealthy | unknown, of the active slot.</param>
public sealed record AppStatus(
    string Name,
    Slot? ActiveSlot,
    string? ActiveImage,
    string ConfiguredImage,
    string Health,
    InFlight InFlight,
    string Listen,
    string? ListenerError,
    long? RunningDeploymentId,
    IReadOnlyList<SlotStatus> Slots)
{
    /// <summary>The app's maintenance (its listener answers 503 whatever slot is routed), or null when it serves normally.</summary>
    public Maintenance.MaintenanceState? Maintenance { get; init; }

    /// <summary>The proxy's share of new requests between the slots while a canary step routes one; null when one slot takes all.</summary>
    public TrafficSplit? Split { get; init; }

    /// <summary>The address the new slot answers on before promotion (the preview listener), while one is open.</summary>
    public string? Preview { get; init; }
}

/// <summary>One slot of an application.</summary>
/// <param name="Since">When its container last started (running) or stopped.</param>
/// <param name="Traffic">What the proxy counted for the slot, where the reader asked for it (one app's detail).</param>
public sealed record SlotStatus(
    Slot Slot,
    int Port,
    bool Active,
    string? ContainerId,
    string? Image,
    bool Running,
    string Health,
    HealthResult? LastCheck,
    InFlight InFlight,
    DateTimeOffset? Since = null,
    // Left out rather than null where it was not asked for, so the list and the live feeds keep their shape.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SlotTrafficFigures? Traffic = null);
