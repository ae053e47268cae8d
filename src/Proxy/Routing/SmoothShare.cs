namespace Cutover.Proxy.Routing;

/// <summary>Which numbered request of a sequence goes to the canary so that its share is exact at every point.</summary>
/// <remarks>
/// Request n goes to the canary when floor(n·p/100) moved past floor((n-1)·p/100): at 20% every fifth request,
/// at 25% every fourth, at 33% two in six. Over any run of consecutive requests the canary's count differs from
/// the share by less than one request, where a random draw is off by √(n·p·(1-p)) (±9 requests in 500 at 20%)
/// and a small step would read as noisy on the console and in the analysis. The price is one interlocked
/// increment per request on the split's own counter.
/// </remarks>
internal static class SmoothShare
{
    /// <summary>True when request number <paramref name="sequence"/> (1, 2, 3...) of a split goes to the canary.</summary>
    public static bool TakesCanary(long sequence, int canaryPercent) =>
        sequence * canaryPercent / 100 != (sequence - 1) * canaryPercent / 100;
}
