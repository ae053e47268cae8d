using Cutover.Engine.Analysis;
using Cutover.Engine.Traffic;

namespace Cutover.Tests.Unit.Engine.Analysis;

/// <summary>An interval's figures are the difference of two readings of cumulative counters, latencies included.</summary>
public sealed class IntervalFiguresTests
{
    [Fact]
    public void Between_TwoReadings_GivesWhatHappenedBetweenThem()
    {
        var slot = new ScriptedFigures().Add(1000, 0.5).Add(3, 0.5, error: true);
        var start = slot.Read();
        slot.Add(90, 150).Add(10, 700, error: true);

        var interval = IntervalFigures.Between(start, slot.Read());

        Assert.Equal(100, interval.Requests);
        Assert.Equal(10, interval.Errors);
        // 95 of 100 falls in [500, 1000): interpolated half way through the 10 there.
        Assert.Equal(750, interval.P95Ms!.Value, 6);
    }

    [Fact]
    public void Between_OnlyOldLatencies_HidesNothingOfTheInterval()
    {
        var slot = new ScriptedFigures().Add(100_000, 0.5);
        var start = slot.Read();
        slot.Add(20, 1500);

        Assert.InRange(IntervalFigures.Between(start, slot.Read()).P95Ms!.Value, 1000, 2000);
    }

    [Fact]
    public void Between_NothingNew_HasNoRequestsAndNoP95()
    {
        var slot = new ScriptedFigures().Add(50, 3);

        Assert.Equal(new IntervalFigures(0, 0, null), IntervalFigures.Between(slot.Read(), slot.Read()));
    }

    [Fact]
    public void Between_CountersThatStartedAgain_CountFromZero()
    {
        var before = new ScriptedFigures().Add(500, 3).Read();
        var afresh = new ScriptedFigures().Add(30, 3).Add(2, 3, error: true);

        var interval = IntervalFigures.Between(before, afresh.Read());

        Assert.Equal((32, 2), (interval.Requests, interval.Errors));
        Assert.InRange(interval.P95Ms!.Value, 2, 5);
    }

    [Fact]
    public void Between_WithoutLatencies_JudgesCountsOnly()
    {
        var start = new ScriptedFigures().Read();
        var end = new ScriptedFigures().Add(10, 3).Read();

        var interval = IntervalFigures.Between(start with { Latency = null }, end with { Latency = null });

        Assert.Equal(new IntervalFigures(10, 0, null), interval);
    }

    [Fact]
    public void Percentile_IsInterpolatedInsideItsBucket_AndNullWhenEmpty()
    {
        var histogram = new LatencyHistogram([0, 10, 20], [50, 50]);

        Assert.Equal(10, histogram.Percentile(0.5));
        Assert.Equal(19, histogram.Percentile(0.95)!.Value, 6);
        Assert.Null(new LatencyHistogram([0, 10], [0]).Percentile(0.95));
    }

    [Fact]
    public void LatencyHistogram_WithEdgesThatDoNotFitTheBuckets_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new LatencyHistogram([0, 10], [1, 2]));
        Assert.Throws<ArgumentException>(() => new LatencyHistogram([0, 10], [1]).Since(new LatencyHistogram([0, 20], [1])));
    }
}
