namespace Cutover.Proxy.Routing;

/// <summary>The immutable routing decision of one application: which slot target new requests go to, if any.</summary>
internal sealed record RouteSnapshot(SlotTarget? Active)
{
    public static RouteSnapshot None { get; } = new((SlotTarget?)null);
}
