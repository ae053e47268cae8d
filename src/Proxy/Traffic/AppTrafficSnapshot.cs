using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Traffic;

/// <summary>What the proxy is doing for one application right now.</summary>
/// <param name="Listening">The address bound, or null when the listener is not up (see <paramref name="ListenerError"/>).</param>
public sealed record AppTrafficSnapshot(
    string App,
    string? Listening,
    string? ListenerError,
    Slot? ActiveSlot,
    TrafficCounts Blue,
    TrafficCounts Green)
{
    public TrafficCounts CountsOf(Slot slot) => slot == Slot.Blue ? Blue : Green;
}
