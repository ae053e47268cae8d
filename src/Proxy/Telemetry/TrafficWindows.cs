namespace Cutover.Proxy.Telemetry;

/// <summary>A ring of 10-second windows covering the last 15 minutes of one slot's traffic.</summary>
/// <remarks>
/// Recording is lock-free and allocation-free: a request increments counters of the window its end falls in.
/// The first request of a new window swaps a fresh one into the ring with a compare-exchange (one allocation per
/// window and slot, none per request); a writer that lost the race uses the winner's. A request that ended
/// longer ago than the ring reaches is dropped. Memory is bounded: 90 windows of about 450 bytes.
/// Latencies since the start are the ring's plus those of the windows it let go: a window leaving the ring
/// (once per 10 seconds at most, never per request) adds its counts to <see cref="_retired"/>.
/// </remarks>
internal sealed class TrafficWindows
{
    public static readonly TimeSpan Width = TimeSpan.FromSeconds(10);
    public const int Length = 90;

    /// <summary>"The last minute": the window under way and the five before it.</summary>
    private const int MinuteWindows = 6;

    private readonly TrafficWindow?[] _ring = new TrafficWindow?[Length];

    // Latency counts of the windows that left the ring. The lock makes leaving the ring and being added here one
    // step for a reader of the totals; recording a request never takes it.
    private readonly long[] _retired = new long[LatencyBuckets.Count];
    private readonly Lock _retiring = new();
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

    /// <summary>Latency counts per bucket of every request timed since the start: two readings' difference is what was timed between them.</summary>
    /// <remarks>
    /// Never decreases, with one exception not worth a cost on the request path: a request recorded into a window
    /// after that window left the ring (its end would have to be 15 minutes old by the time it is counted).
    /// </remarks>
    public long[] LatencySinceStart()
    {
        var totals = new long[LatencyBuckets.Count];
        lock (_retiring)
        {
            _retired.CopyTo(totals, 0);
            foreach (var window in _ring)
            {
                if (window is not null)
                {
                    Span<int> latency = window.Latency;
                    for (var i = 0; i < latency.Length; i++)
                    {
                        totals[i] += Volatile.Read(ref latency[i]);
                    }
                }
            }
        }

        return totals;
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
            if (Replace(ref slot, current, fresh))
            {
                return fresh;
            }
        }
    }

    /// <summary>Puts <paramref name="fresh"/> in the ring in place of <paramref name="current"/>, unless another writer was first; a window that leaves is retired.</summary>
    private bool Replace(ref TrafficWindow? slot, TrafficWindow? current, TrafficWindow fresh)
    {
        if (current is null)
        {
            return Interlocked.CompareExchange(ref slot, fresh, null) is null;
        }

        lock (_retiring)
        {
            if (!ReferenceEquals(Interlocked.CompareExchange(ref slot, fresh, current), current))
            {
                return false;
            }

            for (var i = 0; i < _retired.Length; i++)
            {
                _retired[i] += Volatile.Read(ref current.Latency[i]);
            }

            return true;
        }
    }

    private static int Index(long epoch) => (int)(((epoch % Length) + Length) % Length);
}
