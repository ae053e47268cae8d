using Microsoft.AspNetCore.Http;

namespace Cutover.Proxy.Routing;

/// <summary>A split bound to the app's slot targets: picks the target of each new request.</summary>
/// <remarks>
/// Immutable but for its request counter, like YARP's round-robin state; a new split (or route) is a new
/// object, so every step starts its count afresh.
/// </remarks>
internal sealed class SplitTargets
{
    private long _sequence;

    public SplitTargets(RouteSplit split, SlotTarget stable, SlotTarget canary, StickyCookie? cookie)
    {
        Split = split;
        Stable = stable;
        Canary = canary;
        Cookie = cookie;
    }

    public RouteSplit Split { get; }

    public SlotTarget Stable { get; }

    public SlotTarget Canary { get; }

    /// <summary>The sticky cookie, or null when the split is not sticky.</summary>
    public StickyCookie? Cookie { get; }

    /// <summary>The target of one new request; <paramref name="setCookie"/> is the Set-Cookie value to send, if any.</summary>
    /// <remarks>A client whose cookie names a slot with a share keeps it and does not count in the share of new ones.</remarks>
    public SlotTarget Choose(HttpRequest request, out string? setCookie)
    {
        if (Cookie is not { } cookie)
        {
            setCookie = null;
            return Next();
        }

        if (cookie.Read(request) is { } kept && Split.Serves(kept))
        {
            setCookie = null;
            return kept == Canary.Slot ? Canary : Stable;
        }

        var chosen = Next();
        setCookie = cookie.SetCookieFor(chosen.Slot);
        return chosen;
    }

    private SlotTarget Next() => SmoothShare.TakesCanary(Interlocked.Increment(ref _sequence), Split.CanaryPercent) ? Canary : Stable;
}
