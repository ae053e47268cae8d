namespace Cutover.Proxy.Telemetry;

/// <summary>A slot's timed requests since its application was first served, counted per latency bucket.</summary>
/// <remarks>
/// The counts only grow, so the difference of two readings is what was timed between them, and a percentile of
/// that difference is the percentile of any interval, not only of the proxy's own 10-second windows.
/// </remarks>
public sealed class CumulativeLatency
{
    private readonly long[] _counts;

    internal CumulativeLatency(long[] counts) => _counts = counts;

    /// <summary>The buckets' edges in microseconds, one more than the buckets: bucket i holds [edge i, edge i+1).</summary>
    public static IReadOnlyList<long> EdgesMicroseconds { get; } =
        [.. Enumerable.Range(0, LatencyBuckets.Count + 1).Select(LatencyBuckets.LowerBound)];

    /// <summary>Requests timed per bucket (the last one also holds everything slower).</summary>
    public IReadOnlyList<long> Counts => _counts;
}
