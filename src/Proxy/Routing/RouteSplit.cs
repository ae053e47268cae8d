namespace Cutover.Proxy.Routing;

/// <summary>New requests of one application shared between its two slots (a canary step).</summary>
/// <param name="Stable">The slot that served before; it takes what the canary does not.</param>
/// <param name="Canary">The new slot.</param>
/// <param name="CanaryPercent">The canary's share of new requests (of new clients, when sticky), 0-100.</param>
/// <param name="Sticky">A session cookie keeps each client on the slot it first got while that slot has a share.</param>
public sealed record RouteSplit(Slot Stable, Slot Canary, int CanaryPercent, bool Sticky)
{
    /// <summary>True when the slot still gets new requests under this split.</summary>
    public bool Serves(Slot slot) => (slot == Canary && CanaryPercent > 0) || (slot == Stable && CanaryPercent < 100);
}
