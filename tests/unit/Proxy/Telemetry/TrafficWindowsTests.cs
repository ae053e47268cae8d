using Cutover.Proxy.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Proxy.Telemetry;

public class TrafficWindowsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero));
    private readonly TrafficWindows _windows;

    public TrafficWindowsTests() => _windows = new TrafficWindows(_time);

    [Fact]
    public void LastMinute_GivesPercentilesOfWhatEndedInIt()
    {
        for (var i = 1; i <= 100; i++)
        {
            Record(latencyMs: i);
        }

        var minute = _windows.LastMinute();

        Assert.Equal(100, minute.Count);
        Assert.InRange(minute.P50Ms, 50 * 0.875, 50 * 1.125);
        Assert.InRange(minute.P95Ms, 95 * 0.875, 95 * 1.125);
        Assert.InRange(minute.P99Ms, 99 * 0.875, 99 * 1.125);
    }

    [Fact]
    public void LastMinute_ForgetsWhatEndedMoreThanAMinuteAgo()
    {
        for (var i = 0; i < 10; i++)
        {
            Record(latencyMs: 2);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 10; i++)
        {
            Record(latencyMs: 200);
        }

        Assert.Equal(20, _windows.LastMinute().Count);

        _time.Advance(TimeSpan.FromSeconds(40));
        var later = _windows.LastMinute();
        Assert.Equal(10, later.Count);
        Assert.InRange(later.P50Ms, 200 * 0.875, 200 * 1.125);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new LatencyPercentiles(0, 0, 0, 0), _windows.LastMinute());
    }

    [Fact]
    public void Untimed_CountAsRequestsButNotInTheLatencies()
    {
        _windows.Record(_time.GetTimestamp(), -1, error: false);
        Record(latencyMs: 5);

        Assert.Equal(1, _windows.LastMinute().Count);
        Assert.Equal(2, _windows.Series()[^1].Requests);
    }

    [Fact]
    public void Series_IsFifteenMinutesOfTenSecondPoints_WithRequestsErrorsAndP95()
    {
        Record(latencyMs: 10);
        Record(latencyMs: 10, error: true);
        _time.Advance(TimeSpan.FromSeconds(10));
        Record(latencyMs: 40);

        var series = _windows.Series();

        Assert.Equal(90, series.Count);
        Assert.Equal(series[^1].Start - TimeSpan.FromSeconds(10), series[^2].Start);
        Assert.Equal(TimeSpan.FromSeconds(10), series[^2].Duration);
        Assert.Equal((2, 1), (series[^2].Requests, series[^2].Errors));
        Assert.Equal(0.2, series[^2].RequestsPerSecond, 3);
        Assert.InRange(series[^2].P95Ms!.Value, 10 * 0.875, 10 * 1.125);
        Assert.Equal(1, series[^1].Requests);
        Assert.All(series.Take(88), p => Assert.Equal((0L, (double?)null), (p.Requests, p.P95Ms)));
        Assert.True(series[^1].Start <= _time.GetUtcNow() && _time.GetUtcNow() - series[^1].Start < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Ring_ReusesAWindowFifteenMinutesOn_WithoutItsOldCounts()
    {
        Record(latencyMs: 1);
        _time.Advance(TimeSpan.FromSeconds(10 * TrafficWindows.Length));
        Record(latencyMs: 1);

        var series = _windows.Series();
        Assert.Equal(1, series.Sum(p => p.Requests));
        Assert.Equal(1, _windows.LastMinute().Count);
    }

    [Fact]
    public void ARequestEndedBeyondTheRing_IsDropped_NotCountedInANewerWindow()
    {
        var longAgo = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(10 * TrafficWindows.Length));
        Record(latencyMs: 1);

        _windows.Record(longAgo, 1000, error: false);

        Assert.Equal(1, _windows.Series().Sum(p => p.Requests));
    }

    [Fact]
    public async Task ConcurrentRecords_AreAllCounted_AcrossWindowTurns()
    {
        const int PerThread = 50_000;
        var start = _time.GetTimestamp();
        var ticksPerWindow = (long)(TrafficWindows.Width.TotalSeconds * _time.TimestampFrequency);
        // Each thread walks across three windows, so several threads race to open each new one.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                _windows.Record(start + (i * 3L * ticksPerWindow / PerThread), 1500, error: i % 10 == 0);
            }
        })));
        _time.Advance(TimeSpan.FromSeconds(30));

        var series = _windows.Series();
        Assert.Equal(4 * PerThread, series.Sum(p => p.Requests));
        Assert.Equal(4 * PerThread / 10, series.Sum(p => p.Errors));
        Assert.Equal(4 * PerThread, _windows.LastMinute().Count);
    }

    private void Record(double latencyMs, bool error = false) =>
        _windows.Record(_time.GetTimestamp(), (long)(latencyMs * 1000), error);
}
