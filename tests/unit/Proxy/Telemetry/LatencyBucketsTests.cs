using Cutover.Proxy.Telemetry;

namespace Cutover.Tests.Unit.Proxy.Telemetry;

public class LatencyBucketsTests
{
    [Fact]
    public void EveryValue_FallsInABucketThatHoldsIt_NoWiderThanAQuarterOfItsStart()
    {
        foreach (var micros in Values())
        {
            var index = LatencyBuckets.IndexOf(micros);
            if (index == LatencyBuckets.Count - 1)
            {
                Assert.True(micros >= LatencyBuckets.LowerBound(index), $"{micros} µs");
                continue;
            }

            Assert.InRange(micros, LatencyBuckets.LowerBound(index), LatencyBuckets.UpperBound(index) - 1);
            Assert.True(LatencyBuckets.UpperBound(index) - LatencyBuckets.LowerBound(index) <= Math.Max(1, LatencyBuckets.LowerBound(index) / 4), $"bucket {index}");
        }
    }

    [Fact]
    public void Buckets_FollowOneAnother_AndReachPastTheDefaultActivityTimeout()
    {
        for (var i = 0; i < LatencyBuckets.Count - 1; i++)
        {
            Assert.Equal(LatencyBuckets.UpperBound(i), LatencyBuckets.LowerBound(i + 1));
            Assert.Equal(i, LatencyBuckets.IndexOf(LatencyBuckets.LowerBound(i)));
        }

        Assert.True(LatencyBuckets.LowerBound(LatencyBuckets.Count - 1) > 100_000_000, "100 s must not land in the overflow bucket");
        Assert.Equal(LatencyBuckets.Count - 1, LatencyBuckets.IndexOf(long.MaxValue));
    }

    [Fact]
    public void Percentiles_OfOneToAThousandMilliseconds_AreWithinTheBucketError()
    {
        var counts = new long[LatencyBuckets.Count];
        for (var ms = 1; ms <= 1000; ms++)
        {
            counts[LatencyBuckets.IndexOf(ms * 1000L)]++;
        }

        Assert.InRange(LatencyBuckets.Percentile(counts, 1000, 0.50), 500 * 0.875, 500 * 1.125);
        Assert.InRange(LatencyBuckets.Percentile(counts, 1000, 0.95), 950 * 0.875, 950 * 1.125);
        Assert.InRange(LatencyBuckets.Percentile(counts, 1000, 0.99), 990 * 0.875, 990 * 1.125);
        Assert.Equal(0, LatencyBuckets.Percentile(new long[LatencyBuckets.Count], 0, 0.5));
    }

    private static IEnumerable<long> Values()
    {
        for (long v = 0; v < 5000; v++)
        {
            yield return v;
        }

        for (var v = 5000.0; v < 2e9; v *= 1.003)
        {
            yield return (long)v;
        }
    }
}
