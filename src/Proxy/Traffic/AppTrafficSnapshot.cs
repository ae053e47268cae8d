using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Traffic;

/// <summary>What the proxy is doing for one application right now.</summary>
/// <param name="Listening">The address bound, or null when the listener is not up (see <paramref name="ListenerError"/>).</param>
/// <param name="ActiveSlot">The routed slot; during a split, the stable one.</param>
public sealed record AppTrafficSnapshot(
    string App,
    string? Listening,
    string? ListenerError,
    Slot? ActiveSlot,
    TrafficCounts Blue,
    TrafficCounts Green)
{
    /// <summary>The share of new requests between the slots, while one is routed.</summary>
    public RouteSplit? Split { get; init; }

    /// <summary>The preview listener's address, while it is open.</summary>
    public string? Preview { get; init; }

    /// <summary>The slot the preview listener serves, while it is open.</summary>
    public Slot? PreviewSlot { get; init; }

    public TrafficCounts CountsOf(Slot slot) => slot == Slot.Blue ? Blue : Green;
}
