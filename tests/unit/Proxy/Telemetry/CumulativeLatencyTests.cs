using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Cutover.Proxy.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Proxy.Telemetry;

/// <summary>Latency counts since the start: what analysis of any interval reads, past the 15 minutes the windows keep.</summary>
public sealed class CumulativeLatencyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero));

    [Fact]
    public void LatencySinceStart_KeepsWhatLeftTheRing()
    {
        var windows = new TrafficWindows(_time);
        // Half an hour, one request per window: twice what the ring holds.
        for (var i = 0; i < 2 * TrafficWindows.Length; i++)
        {
            windows.Record(_time.GetTimestamp(), 1500, error: false);
            windows.Record(_time.GetTimestamp(), -1, error: false);
            _time.Advance(TrafficWindows.Width);
        }

        var totals = windows.LatencySinceStart();

        Assert.Equal(2 * TrafficWindows.Length, totals.Sum());
        Assert.Equal(2 * TrafficWindows.Length, totals[LatencyBuckets.IndexOf(1500)]);
        Assert.True(windows.Series().Sum(p => p.Requests) < 2 * TrafficWindows.Length, "the ring itself forgot the oldest windows");
    }

    [Fact]
    public async Task LatencySinceStart_NeverGoesDown_WhileWindowsTurnUnderConcurrentRecords()
    {
        const int Windows = 3 * TrafficWindows.Length;
        const int PerWindow = 400;
        var windows = new TrafficWindows(_time);
        var ticksPerWindow = (long)(TrafficWindows.Width.TotalSeconds * _time.TimestampFrequency);
        var start = _time.GetTimestamp();
        using var done = new CancellationTokenSource();
        var readings = 0;
        var reader = Task.Run(() =>
        {
            var last = new long[LatencyBuckets.Count];
            while (!done.IsCancellationRequested)
            {
                var now = windows.LatencySinceStart();
                for (var i = 0; i < now.Length; i++)
                {
                    Assert.True(now[i] >= last[i], $"bucket {i} went down from {last[i]} to {now[i]}");
                }

                last = now;
                Interlocked.Increment(ref readings);
            }
        });

        for (var w = 0; w < Windows; w++)
        {
            var endedAt = start + (w * ticksPerWindow);
            Parallel.For(0, PerWindow, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => windows.Record(endedAt, 100 + (i % 2 * 5000), error: false));
            // The reader reads while windows turn, not only before or after: a window waits (boundedly) for a reading.
            var seen = Volatile.Read(ref readings);
            SpinWait.SpinUntil(() => Volatile.Read(ref readings) > seen, TimeSpan.FromSeconds(1));
        }

        await done.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(10));

        var totals = windows.LatencySinceStart();
        Assert.Equal((long)Windows * PerWindow, totals.Sum());
        Assert.Equal((long)Windows * PerWindow / 2, totals[LatencyBuckets.IndexOf(100)]);
        Assert.True(readings > 0);
    }

    [Fact]
    public void Snapshot_CarriesTheTimedLatenciesSinceTheStart_WithTheirBucketEdges()
    {
        var blue = TestTelemetry.For("shop", _time).Of(Slot.Blue);
        var started = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(4));
        blue.RecordAnswer(200, started, _time.GetTimestamp(), timed: true);
        blue.RecordProxyError(502, started, _time.GetTimestamp());
        blue.RecordAnswer(101, started, _time.GetTimestamp(), timed: false);
        blue.RecordAborted(_time.GetTimestamp());

        var latency = blue.Snapshot(new TrafficCounts(0, 0)).Latency!;

        Assert.Equal(LatencyBuckets.Count, latency.Counts.Count);
        Assert.Equal(LatencyBuckets.Count + 1, CumulativeLatency.EdgesMicroseconds.Count);
        var bucket = Assert.Single(Enumerable.Range(0, latency.Counts.Count), i => latency.Counts[i] > 0);
        Assert.Equal(2, latency.Counts[bucket]);
        Assert.InRange(4000, CumulativeLatency.EdgesMicroseconds[bucket], CumulativeLatency.EdgesMicroseconds[bucket + 1] - 1);
    }
}
