using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Engine.Telemetry;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Engine.Analysis;

/// <summary>SlotAnalysis over a fake clock and scripted proxy counters: each interval is judged on its own traffic, of its own slot.</summary>
public sealed class SlotAnalysisTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly AnalysisSpec Spec = AnalysisSpec.Default with { Interval = TimeSpan.FromSeconds(10), MaxP95 = TimeSpan.FromMilliseconds(800) };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero));
    private readonly FakeTrafficSwitch _traffic = new();
    private readonly TestMeterFactory _meters = new();
    private readonly ScriptedFigures _green = new();
    private readonly ScriptedFigures _blue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SlotAnalysis _analysis;

    public SlotAnalysisTests()
    {
        _traffic.Figures = app => app == "shop" ? new Cutover.Engine.Traffic.TrafficFigures(0, _blue.Read(), _green.Read()) : null;
        _analysis = new SlotAnalysis(_traffic, new EngineMetrics(_meters), _time, NullLogger<SlotAnalysis>.Instance);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task WatchAsync_JudgesEachIntervalOnTheTrafficOfThatIntervalOnly()
    {
        // Traffic from before the watch began is not the first interval's.
        _green.Add(1000, 3, error: true);
        await using var results = Watch();
        var first = results.MoveNextAsync();

        _green.Add(44, 140).Add(6, 140, error: true);
        _time.Advance(Spec.Interval);
        Assert.True(await first.AsTask().WaitAsync(Wait));
        Assert.Equal(AnalysisOutcome.Failed, results.Current.Outcome);
        Assert.Equal((50, 6), (results.Current.Requests, results.Current.Errors));
        Assert.StartsWith("error rate 12.0% (6 of 50) > 5%; p95 ", results.Current.Summary);

        var second = results.MoveNextAsync();
        _green.Add(100, 3);
        _time.Advance(Spec.Interval);
        Assert.True(await second.AsTask().WaitAsync(Wait));
        Assert.Equal(AnalysisOutcome.Passed, results.Current.Outcome);
        Assert.Equal((100, 0), (results.Current.Requests, results.Current.Errors));
    }

    [Fact]
    public async Task WatchAsync_IntervalsFollowOneAnotherOnTheClock()
    {
        var began = _time.GetUtcNow();
        await using var results = Watch();

        var first = await NextAsync(results);
        var second = await NextAsync(results);

        Assert.Equal((began, began + Spec.Interval), (first.Start, first.End));
        Assert.Equal((first.End, first.End + Spec.Interval), (second.Start, second.End));
    }

    [Fact]
    public async Task WatchAsync_P95_IsThatOfTheIntervalNotOfTheWholeHistory()
    {
        _green.Add(100_000, 0.5);
        await using var results = Watch();
        var next = results.MoveNextAsync();

        _green.Add(30, 1500);
        _time.Advance(Spec.Interval);
        Assert.True(await next.AsTask().WaitAsync(Wait));

        Assert.Equal(AnalysisOutcome.Failed, results.Current.Outcome);
        Assert.InRange(results.Current.P95Ms!.Value, 1000, 2000);
        Assert.EndsWith("> 800 ms", results.Current.Summary);
    }

    [Fact]
    public async Task WatchAsync_TheOtherSlotsTraffic_DoesNotCount()
    {
        await using var results = Watch();
        var next = results.MoveNextAsync();

        _blue.Add(500, 3, error: true);
        _time.Advance(Spec.Interval);
        Assert.True(await next.AsTask().WaitAsync(Wait));

        Assert.Equal(AnalysisOutcome.Inconclusive, results.Current.Outcome);
        Assert.Equal(0, results.Current.Requests);
    }

    [Fact]
    public async Task WatchAsync_FewerThanMinRequests_IsInconclusiveEvenIfAllFailed()
    {
        await using var results = Watch();
        var next = results.MoveNextAsync();

        _green.Add(19, 3, error: true);
        _time.Advance(Spec.Interval);
        Assert.True(await next.AsTask().WaitAsync(Wait));

        Assert.Equal(AnalysisOutcome.Inconclusive, results.Current.Outcome);
        Assert.Equal((19, 19), (results.Current.Requests, results.Current.Errors));
    }

    [Fact]
    public async Task WatchAsync_AnAppNotServed_IsInconclusive()
    {
        await using var results = _analysis.WatchAsync("gone", Slot.Green, Spec, 7, _stop.Token).GetAsyncEnumerator();

        var result = await NextAsync(results);

        Assert.Equal(AnalysisOutcome.Inconclusive, result.Outcome);
        Assert.Equal("inconclusive: 0 requests < min_requests 20 (no requests)", result.Summary);
    }

    [Fact]
    public async Task WatchAsync_NoResultBeforeTheIntervalEnds()
    {
        await using var results = Watch();
        var next = results.MoveNextAsync();

        _green.Add(50, 3);
        _time.Advance(Spec.Interval - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next.AsTask().WaitAsync(Wait));
        Assert.Equal(AnalysisOutcome.Passed, results.Current.Outcome);
    }

    [Fact]
    public async Task WatchAsync_EachResult_IsCountedByOutcome()
    {
        using var counted = new MetricCollector<long>(_meters, EngineMetrics.MeterName, "cutover.analysis");
        await using var results = Watch();
        var next = results.MoveNextAsync();

        _green.Add(50, 3, error: true);
        _time.Advance(Spec.Interval);
        Assert.True(await next.AsTask().WaitAsync(Wait));

        Assert.Equal(AnalysisOutcome.Failed, results.Current.Outcome);
        var measurement = Assert.Single(counted.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(
            new Dictionary<string, object?> { ["app"] = "shop", ["slot"] = "green", ["outcome"] = "failed" },
            measurement.Tags.ToDictionary(t => t.Key, t => t.Value));
    }

    [Fact]
    public async Task WatchAsync_Cancelled_EndsWithoutJudgingTheIntervalUnderWay()
    {
        using var counted = new MetricCollector<long>(_meters, EngineMetrics.MeterName, "cutover.analysis");
        await using var results = Watch();
        var next = results.MoveNextAsync();

        _stop.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.AsTask().WaitAsync(Wait));
        Assert.Empty(counted.GetMeasurementSnapshot());
    }

    private IAsyncEnumerator<AnalysisResult> Watch() =>
        _analysis.WatchAsync("shop", Slot.Green, Spec, 7, _stop.Token).GetAsyncEnumerator();

    /// <summary>Lets one interval pass on the fake clock and returns its result.</summary>
    private async Task<AnalysisResult> NextAsync(IAsyncEnumerator<AnalysisResult> results)
    {
        var next = results.MoveNextAsync();
        _time.Advance(Spec.Interval);
        Assert.True(await next.AsTask().WaitAsync(Wait));
        return results.Current;
    }
}
