using Cutover.Engine.Model;

namespace Cutover.Engine.Traffic;

/// <summary>One closed window of a slot's traffic: what ended within <paramref name="Duration"/> from <paramref name="Start"/>.</summary>
/// <param name="Errors">Answers of status 500 and above, the proxy's own 502/503/504 included.</param>
/// <param name="P95Ms">The 95th percentile latency of the requests timed in the window, or null when none was.</param>
public sealed record TrafficSample(DateTimeOffset Start, TimeSpan Duration, long Requests, long Errors, double? P95Ms)
{
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? Requests / Duration.TotalSeconds : 0;

    /// <summary>Errors per request, or null without requests (a rate of nothing is not zero).</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)Errors / Requests;
}

/// <summary>An application's last 15 minutes of traffic per slot, oldest window first, closed windows only.</summary>
public sealed record TrafficSeries(IReadOnlyList<TrafficSample> Blue, IReadOnlyList<TrafficSample> Green)
{
    /// <summary>The width of one window (the proxy's).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>How many windows the figures of a card are taken over: the last minute.</summary>
    public const int RecentWindows = 6;

    public static readonly TrafficSeries Empty = new([], []);

    public IReadOnlyList<TrafficSample> Of(Slot slot) => slot == Slot.Blue ? Blue : Green;

    /// <summary>Both slots added window by window: the application as its clients see it.</summary>
    public IReadOnlyList<TrafficSample> Combined()
    {
        var (longer, shorter) = Blue.Count >= Green.Count ? (Blue, Green) : (Green, Blue);
        var offset = longer.Count - shorter.Count;
        return longer.Select((s, i) => i < offset ? s : Add(s, shorter[i - offset])).ToArray();
    }

    /// <summary>Requests per second over the last <see cref="RecentWindows"/> windows of <paramref name="slot"/>, or of both slots.</summary>
    public double RecentRequestsPerSecond(Slot? slot = null) => RequestsPerSecond(Recent(slot));

    /// <summary>Errors per request over the last <see cref="RecentWindows"/> windows of <paramref name="slot"/>, or of both slots; null without requests.</summary>
    public double? RecentErrorRate(Slot? slot = null) => ErrorRate(Recent(slot));

    /// <summary>Requests in the last <see cref="RecentWindows"/> windows of <paramref name="slot"/>, or of both slots.</summary>
    public long RecentRequests(Slot? slot = null) => Recent(slot).Sum(w => w.Requests);

    /// <summary>The newest p95 latency of <paramref name="slot"/> within the last <see cref="RecentWindows"/> windows, or null when none was timed.</summary>
    public double? RecentP95Ms(Slot slot) => Recent(slot).LastOrDefault(w => w.P95Ms is not null)?.P95Ms;

    private TrafficSample[] Recent(Slot? slot) => (slot is { } s ? Of(s) : Combined()).TakeLast(RecentWindows).ToArray();

    private static double RequestsPerSecond(TrafficSample[] windows)
    {
        var seconds = windows.Sum(w => w.Duration.TotalSeconds);
        return seconds > 0 ? windows.Sum(w => w.Requests) / seconds : 0;
    }

    private static double? ErrorRate(TrafficSample[] windows)
    {
        var requests = windows.Sum(w => w.Requests);
        return requests == 0 ? null : (double)windows.Sum(w => w.Errors) / requests;
    }

    /// <summary>No request in any window: an idle app's series only slides along, which nobody needs to be told.</summary>
    public bool IsQuiet => Blue.All(w => w.Requests == 0) && Green.All(w => w.Requests == 0);

    /// <summary>Whether both series hold the same windows (records compare lists by reference).</summary>
    public bool SameAs(TrafficSeries? other) =>
        other is not null && Blue.SequenceEqual(other.Blue) && Green.SequenceEqual(other.Green);

    private static TrafficSample Add(TrafficSample a, TrafficSample b) => new(
        a.Start,
        a.Duration,
        a.Requests + b.Requests,
        a.Errors + b.Errors,
        (a.P95Ms, b.P95Ms) switch
        {
            // Percentiles do not add; the busier slot's stands for both.
            ({ } x, { } y) => a.Requests >= b.Requests ? x : y,
            (var x, var y) => x ?? y,
        });
}
