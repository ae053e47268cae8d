namespace Cutover.Proxy.Telemetry;

/// <summary>A ring of 10-second windows covering the last 15 minutes of one slot's traffic.</summary>
/// <remarks>
/// Recording is lock-free and allocation-free: a request increments counters of the window its end falls in.
/// The first request of a new window swaps a fresh one into the ring with a compare-exchange (one allocation per
/// window and slot, none per request); a writer that lost the race uses the winner's. A request that ended
/// longer ago than the ring reaches is dropped. Memory is bounded: 90 windows of about 450 bytes.
/// </remarks>
internal sealed class TrafficWindows
{
    public static readonly TimeSpan Width = TimeSpan.FromSeconds(10);
    public const int Length = 90;

    /// <summary>"The last minute": the window under way and the five before it.</summary>
    private const int MinuteWindows = 6;

    private readonly TrafficWindow?[] _ring = new TrafficWindow?[Length];
    private readonly TimeProvider _time;
    private readonly long _ticksPerWindow;

    public TrafficWindows(TimeProvider time)
    {
        _time = time;
        _ticksPerWindow = (long)(Width.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Counts one request that ended at <paramref name="endedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>).</summary>
    /// <param name="latencyMicroseconds">Its duration, or a negative value when it is not timed (a WebSocket, an event stream).</param>
    public void Record(long endedAt, long latencyMicroseconds, bool error)
    {
        if (WindowFor(endedAt / _ticksPerWindow) is not { } window)
        {
            return;
        }

        Interlocked.Increment(ref window.Requests);
        if (error)
        {
            Interlocked.Increment(ref window.Errors);
        }

        if (latencyMicroseconds >= 0)
        {
            Interlocked.Increment(ref window.Latency[LatencyBuckets.IndexOf(latencyMicroseconds)]);
        }
    }

    /// <summary>Percentiles of the requests timed in the last minute.</summary>
    public LatencyPercentiles LastMinute()
    {
        var now = _time.GetTimestamp() / _ticksPerWindow;
        Span<long> merged = stackalloc long[LatencyBuckets.Count];
        for (var epoch = now - MinuteWindows + 1; epoch <= now; epoch++)
        {
            if (Read(epoch) is { } window)
            {
                for (var i = 0; i < merged.Length; i++)
                {
                    merged[i] += Volatile.Read(ref window.Latency[i]);
                }
            }
        }

        long total = 0;
        foreach (var count in merged)
        {
            total += count;
        }

        return total == 0
            ? new LatencyPercentiles(0, 0, 0, 0)
            : new LatencyPercentiles(
                total,
                LatencyBuckets.Percentile(merged, total, 0.50),
                LatencyBuckets.Percentile(merged, total, 0.95),
                LatencyBuckets.Percentile(merged, total, 0.99));
    }

    /// <summary>The last 15 minutes, oldest first, one point per window; the last point is the window under way.</summary>
    public IReadOnlyList<TrafficPoint> Series()
    {
        var nowTicks = _time.GetTimestamp();
        var nowUtc = _time.GetUtcNow();
        var now = nowTicks / _ticksPerWindow;
        var points = new TrafficPoint[Length];
        Span<long> latency = stackalloc long[LatencyBuckets.Count];
        for (var k = 0; k < Length; k++)
        {
            var epoch = now - Length + 1 + k;
            var startTicks = epoch * _ticksPerWindow;
            var start = nowUtc - _time.GetElapsedTime(startTicks, nowTicks);
            var duration = epoch == now ? _time.GetElapsedTime(startTicks, nowTicks) : Width;
            if (Read(epoch) is not { } window)
            {
                points[k] = new TrafficPoint(start, duration, 0, 0, null);
                continue;
            }

            long timed = 0;
            for (var i = 0; i < latency.Length; i++)
            {
                latency[i] = Volatile.Read(ref window.Latency[i]);
                timed += latency[i];
            }

            points[k] = new TrafficPoint(
                start,
                duration,
                Volatile.Read(ref window.Requests),
                Volatile.Read(ref window.Errors),
                timed == 0 ? null : LatencyBuckets.Percentile(latency, timed, 0.95));
        }

        return points;
    }

    private TrafficWindow? Read(long epoch) =>
        Volatile.Read(ref _ring[Index(epoch)]) is { } window && window.Epoch == epoch ? window : null;

    private TrafficWindow? WindowFor(long epoch)
    {
        ref var slot = ref _ring[Index(epoch)];
        while (true)
        {
            var current = Volatile.Read(ref slot);
            if (current is not null && current.Epoch >= epoch)
            {
                return current.Epoch == epoch ? current : null;
            }

            var fresh = new TrafficWindow(epoch);
            if (ReferenceEquals(Interlocked.CompareExchange(ref slot, fresh, current), current))
            {
                return fresh;
            }
        }
    }

    private static int Index(long epoch) => (int)(((epoch % Length) + Length) % Length);
}
