namespace Cutover.Engine.Traffic;

/// <summary>Request latencies counted per bucket; from cumulative readings, <see cref="Since"/> gives any interval's.</summary>
/// <remarks>The proxy's buckets are log-spaced (four per power of two), so a percentile interpolated in one is within 12.5% of the truth.</remarks>
public sealed class LatencyHistogram
{
    private readonly double[] _edgesMs;
    private readonly long[] _counts;

    /// <param name="edgesMs">The buckets' edges in milliseconds, ascending, one more than <paramref name="counts"/>: bucket i holds [edge i, edge i+1).</param>
    /// <param name="counts">Requests per bucket.</param>
    public LatencyHistogram(IReadOnlyList<double> edgesMs, IReadOnlyList<long> counts)
    {
        if (edgesMs.Count != counts.Count + 1)
        {
            throw new ArgumentException($"{counts.Count} buckets need {counts.Count + 1} edges, not {edgesMs.Count}.", nameof(edgesMs));
        }

        _edgesMs = [.. edgesMs];
        _counts = [.. counts];
        Total = _counts.Sum();
    }

    private LatencyHistogram(double[] edgesMs, long[] counts)
    {
        _edgesMs = edgesMs;
        _counts = counts;
        Total = counts.Sum();
    }

    public IReadOnlyList<double> EdgesMs => _edgesMs;

    public IReadOnlyList<long> Counts => _counts;

    /// <summary>Requests counted in every bucket.</summary>
    public long Total { get; }

    /// <summary>What was counted after <paramref name="earlier"/>, a reading of the same counters; a bucket that went down (the counters started again) counts from zero.</summary>
    public LatencyHistogram Since(LatencyHistogram? earlier)
    {
        if (earlier is null)
        {
            return this;
        }

        if (!earlier._edgesMs.AsSpan().SequenceEqual(_edgesMs))
        {
            throw new ArgumentException("The two readings have different buckets.", nameof(earlier));
        }

        var restarted = false;
        for (var i = 0; i < _counts.Length; i++)
        {
            restarted |= _counts[i] < earlier._counts[i];
        }

        return restarted ? this : new LatencyHistogram(_edgesMs, [.. _counts.Select((count, i) => count - earlier._counts[i])]);
    }

    /// <summary>The <paramref name="quantile"/> (0-1) in milliseconds, interpolated inside its bucket; null when nothing was counted.</summary>
    public double? Percentile(double quantile)
    {
        if (Total <= 0)
        {
            return null;
        }

        var rank = quantile * Total;
        long below = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = _counts[i];
            if (count > 0 && below + count >= rank)
            {
                var fraction = Math.Clamp((rank - below) / count, 0, 1);
                return _edgesMs[i] + ((_edgesMs[i + 1] - _edgesMs[i]) * fraction);
            }

            below += count;
        }

        return _edgesMs[^1];
    }
}
