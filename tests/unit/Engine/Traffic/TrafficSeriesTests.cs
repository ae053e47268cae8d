using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Tests.Unit.Engine.Traffic;

public sealed class TrafficSeriesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static TrafficSample Window(int index, long requests, long errors = 0, double? p95 = null) =>
        new(Start + (index * TrafficSeries.Window), TrafficSeries.Window, requests, errors, p95);

    [Fact]
    public void RecentRequestsPerSecond_CountsBothSlotsOverTheLastMinuteOnly()
    {
        // 100 requests in an old window, then 60 a window for six windows on blue and 0 on green.
        var blue = new[] { Window(0, 1000) }.Concat(Enumerable.Range(1, 6).Select(i => Window(i, 60))).ToArray();
        var green = Enumerable.Range(0, 7).Select(i => Window(i, i == 6 ? 60 : 0)).ToArray();

        var series = new TrafficSeries(blue, green);

        Assert.Equal((360 + 60) / 60.0, series.RecentRequestsPerSecond(), 6);
        Assert.Equal(6.0, series.RecentRequestsPerSecond(Slot.Blue), 6);
        Assert.Equal(1.0, series.RecentRequestsPerSecond(Slot.Green), 6);
    }

    [Fact]
    public void RecentErrorRate_IsErrorsPerRequest_AndNullWithoutRequests()
    {
        var series = new TrafficSeries([Window(0, 40, 4)], [Window(0, 0)]);

        Assert.Equal(0.1, series.RecentErrorRate()!.Value, 6);
        Assert.Null(series.RecentErrorRate(Slot.Green));
        Assert.Null(TrafficSeries.Empty.RecentErrorRate());
        Assert.Equal(0, TrafficSeries.Empty.RecentRequestsPerSecond());
    }

    [Fact]
    public void Combined_AddsTheSlotsWindowByWindow_AndKeepsTheBusierSlotsP95()
    {
        var series = new TrafficSeries([Window(0, 10, 1, 5), Window(1, 1, 0, 50)], [Window(1, 9, 2, 8)]);

        var combined = series.Combined();

        Assert.Equal([Window(0, 10, 1, 5), Window(1, 10, 2, 8)], combined);
    }

    [Fact]
    public void RecentP95_IsTheNewestWindowThatTimedARequest()
    {
        var series = new TrafficSeries([Window(0, 5, 0, 7), Window(1, 5, 0, 9), Window(2, 0)], []);

        Assert.Equal(9, series.RecentP95Ms(Slot.Blue));
        Assert.Null(series.RecentP95Ms(Slot.Green));
    }

    [Fact]
    public void SameAs_ComparesTheWindows_NotTheLists()
    {
        var a = new TrafficSeries([Window(0, 5)], []);

        Assert.True(a.SameAs(new TrafficSeries([Window(0, 5)], [])));
        Assert.False(a.SameAs(new TrafficSeries([Window(0, 6)], [])));
        Assert.False(a.SameAs(null));
    }

    [Fact]
    public void IsQuiet_OnlyWithoutAnyRequest()
    {
        Assert.True(new TrafficSeries([Window(0, 0)], [Window(0, 0)]).IsQuiet);
        Assert.False(new TrafficSeries([Window(0, 0)], [Window(0, 1)]).IsQuiet);
    }
}
