using System.Numerics;

namespace Cutover.Proxy.Telemetry;

/// <summary>Fixed, log-spaced latency buckets in microseconds: four per power of two.</summary>
/// <remarks>
/// A bucket spans at most a quarter of its lower bound, so a percentile interpolated inside one is within
/// 12.5 % of the truth, and finding a value's bucket is a Log2 and a shift: cheap enough for every request.
/// Buckets 0 to 3 hold 0 to 3 µs exactly; the last one also holds everything past about 117 s.
/// </remarks>
internal static class LatencyBuckets
{
    /// <summary>Up to 2^27 µs (134 s), past the proxy's default 100 s activity timeout.</summary>
    public const int Count = 104;

    public static int IndexOf(long microseconds)
    {
        if (microseconds < 4)
        {
            return microseconds < 0 ? 0 : (int)microseconds;
        }

        var log2 = BitOperations.Log2((ulong)microseconds);
        var index = ((log2 - 1) * 4) + (int)((microseconds >> (log2 - 2)) & 3);
        return Math.Min(index, Count - 1);
    }

    /// <summary>The smallest value, in microseconds, that falls in bucket <paramref name="index"/>.</summary>
    public static long LowerBound(int index) =>
        index < 4 ? index : (4L + (index & 3)) << ((index >> 2) - 1);

    /// <summary>The first value, in microseconds, past bucket <paramref name="index"/>.</summary>
    public static long UpperBound(int index) => LowerBound(index + 1);

    /// <summary>The <paramref name="quantile"/> of the counts, interpolated inside its bucket, in milliseconds.</summary>
    public static double Percentile(ReadOnlySpan<long> counts, long total, double quantile)
    {
        if (total <= 0)
        {
            return 0;
        }

        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var count = counts[i];
            if (count > 0 && below + count >= rank)
            {
                var fraction = Math.Clamp((rank - below) / count, 0, 1);
                var lower = LowerBound(i);
                return (lower + ((UpperBound(i) - lower) * fraction)) / 1000.0;
            }

            below += count;
        }

        return UpperBound(counts.Length - 1) / 1000.0;
    }
}
