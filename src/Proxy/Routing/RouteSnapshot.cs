using Microsoft.AspNetCore.Http;

namespace Cutover.Proxy.Routing;

/// <summary>The immutable routing decision of one application: which slot target new requests go to, if any.</summary>
/// <param name="Active">The slot target that serves, or during a split the stable one.</param>
internal sealed record RouteSnapshot(SlotTarget? Active)
{
    public static RouteSnapshot None { get; } = new((SlotTarget?)null);

    /// <summary>Set while new requests are shared between the two slots.</summary>
    public SplitTargets? Split { get; init; }

    /// <summary>The target of one new request (null: none, answer 503) and the sticky cookie to set, if any.</summary>
    public SlotTarget? Choose(HttpRequest request, out string? setCookie)
    {
        if (Split is { } split)
        {
            return split.Choose(request, out setCookie);
        }

        setCookie = null;
        return Active;
    }

    /// <summary>True when new requests may still go to <paramref name="slot"/>.</summary>
    public bool Serves(Slot slot) => Split is { } split ? split.Split.Serves(slot) : Active?.Slot == slot;
}
