using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Analysis;

/// <summary>One interval's figures against the thresholds: exactly at a threshold passes, too few requests is never a verdict.</summary>
public sealed class AnalysisJudgeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddSeconds(10);

    /// <summary>The defaults with a p95 threshold: 20 requests, 5%, 800 ms.</summary>
    private static readonly AnalysisSpec Spec = AnalysisSpec.Default with { MaxP95 = TimeSpan.FromMilliseconds(800) };

    [Fact]
    public void Judge_ErrorRateAboveTheThreshold_FailsAndSaysSo()
    {
        var result = Judge(50, 6, 140);

        Assert.Equal(AnalysisOutcome.Failed, result.Outcome);
        Assert.Equal("error rate 12.0% (6 of 50) > 5%; p95 140 ms ≤ 800 ms", result.Summary);
        Assert.Equal((50, 6, 0.12, 140.0), (result.Requests, result.Errors, result.ErrorRate, result.P95Ms));
        Assert.Equal((Start, End), (result.Start, result.End));
    }

    [Fact]
    public void Judge_ErrorRateExactlyAtTheThreshold_Passes()
    {
        var result = Judge(100, 5, 140);

        Assert.Equal(AnalysisOutcome.Passed, result.Outcome);
        Assert.Equal("error rate 5.0% (5 of 100) ≤ 5%; p95 140 ms ≤ 800 ms", result.Summary);
    }

    [Fact]
    public void Judge_OneErrorPastTheThreshold_Fails()
    {
        Assert.Equal(AnalysisOutcome.Failed, Judge(100, 6, 140).Outcome);
    }

    [Theory]
    [InlineData(0.07, 100, 7)]
    [InlineData(0.29, 100, 29)]
    [InlineData(0.001, 1000, 1)]
    [InlineData(0.333, 1000, 333)]
    public void Judge_RatesNotExactInBinary_StillPassAtTheirThreshold(double maxErrorRate, long requests, long errors)
    {
        var spec = Spec with { MaxErrorRate = maxErrorRate };

        Assert.Equal(AnalysisOutcome.Passed, AnalysisJudge.Judge(new IntervalFigures(requests, errors, 1), spec, Start, End).Outcome);
        Assert.Equal(AnalysisOutcome.Failed, AnalysisJudge.Judge(new IntervalFigures(requests, errors + 1, 1), spec, Start, End).Outcome);
    }

    [Fact]
    public void Judge_P95AboveTheThreshold_FailsEvenWithoutErrors()
    {
        var result = Judge(50, 0, 912.4);

        Assert.Equal(AnalysisOutcome.Failed, result.Outcome);
        Assert.Equal("error rate 0.0% (0 of 50) ≤ 5%; p95 912 ms > 800 ms", result.Summary);
    }

    [Fact]
    public void Judge_P95ExactlyAtTheThreshold_Passes()
    {
        Assert.Equal(AnalysisOutcome.Passed, Judge(50, 0, 800).Outcome);
    }

    [Fact]
    public void Judge_BothOverTheirThresholds_FailsNamingBoth()
    {
        Assert.Equal("error rate 50.0% (25 of 50) > 5%; p95 1200 ms > 800 ms", Judge(50, 25, 1200).Summary);
    }

    [Fact]
    public void Judge_NoP95Threshold_NeverFailsOnLatency()
    {
        var result = AnalysisJudge.Judge(new IntervalFigures(50, 0, 60_000), AnalysisSpec.Default, Start, End);

        Assert.Equal(AnalysisOutcome.Passed, result.Outcome);
        Assert.Equal("error rate 0.0% (0 of 50) ≤ 5%; p95 60000 ms", result.Summary);
    }

    [Fact]
    public void Judge_NoTimedRequest_LeavesLatencyUnjudged()
    {
        var result = Judge(50, 1, null);

        Assert.Equal(AnalysisOutcome.Passed, result.Outcome);
        Assert.Null(result.P95Ms);
        Assert.Equal("error rate 2.0% (1 of 50) ≤ 5%; p95 none (no timed request)", result.Summary);
    }

    [Fact]
    public void Judge_ZeroRequests_IsInconclusive()
    {
        var result = Judge(0, 0, null);

        Assert.Equal(AnalysisOutcome.Inconclusive, result.Outcome);
        Assert.Equal((0, 0, 0.0), (result.Requests, result.Errors, result.ErrorRate));
        Assert.Equal("inconclusive: 0 requests < min_requests 20 (no requests)", result.Summary);
    }

    [Fact]
    public void Judge_FewerThanMinRequests_AllFailing_IsInconclusiveNotFailed()
    {
        var result = Judge(19, 19, 5000);

        Assert.Equal(AnalysisOutcome.Inconclusive, result.Outcome);
        Assert.Equal("inconclusive: 19 requests < min_requests 20 (error rate 100.0% (19 of 19); p95 5000 ms)", result.Summary);
    }

    [Fact]
    public void Judge_FewerThanMinRequests_AllFine_IsInconclusiveNotPassed()
    {
        Assert.Equal(AnalysisOutcome.Inconclusive, Judge(1, 0, 2).Outcome);
        Assert.Equal("inconclusive: 1 request < min_requests 20 (error rate 0.0% (0 of 1); p95 2 ms)", Judge(1, 0, 2).Summary);
    }

    [Fact]
    public void Judge_ExactlyMinRequests_IsJudged()
    {
        Assert.Equal(AnalysisOutcome.Passed, Judge(20, 1, 140).Outcome);
        Assert.Equal(AnalysisOutcome.Failed, Judge(20, 2, 140).Outcome);
    }

    [Fact]
    public void Judge_ZeroPercentAllowed_FailsOnTheFirstError()
    {
        var spec = Spec with { MaxErrorRate = 0 };

        Assert.Equal(AnalysisOutcome.Passed, AnalysisJudge.Judge(new IntervalFigures(1000, 0, 1), spec, Start, End).Outcome);
        var failed = AnalysisJudge.Judge(new IntervalFigures(1000, 1, 1), spec, Start, End);
        Assert.Equal(AnalysisOutcome.Failed, failed.Outcome);
        Assert.StartsWith("error rate 0.1% (1 of 1000) > 0%", failed.Summary);
    }

    [Fact]
    public void Judge_HundredPercentAllowed_NeverFailsOnErrors()
    {
        var spec = AnalysisSpec.Default with { MaxErrorRate = 1 };

        Assert.Equal(AnalysisOutcome.Passed, AnalysisJudge.Judge(new IntervalFigures(20, 20, 1), spec, Start, End).Outcome);
    }

    [Fact]
    public void Judge_FractionalThresholdsAndSubMillisecondLatency_ReadPlainly()
    {
        var spec = Spec with { MaxErrorRate = 0.025, MaxP95 = TimeSpan.FromMilliseconds(1.5) };

        var result = AnalysisJudge.Judge(new IntervalFigures(400, 10, 1.234), spec, Start, End);

        Assert.Equal("error rate 2.5% (10 of 400) ≤ 2.5%; p95 1.23 ms ≤ 1.5 ms", result.Summary);
    }

    [Fact]
    public void Judge_ImpossibleFigures_AreClampedRatherThanTrusted()
    {
        var result = Judge(20, 25, 1);

        Assert.Equal((20, 20, 1.0), (result.Requests, result.Errors, result.ErrorRate));
        Assert.Equal(AnalysisOutcome.Inconclusive, Judge(-5, 0, null).Outcome);
    }

    private static AnalysisResult Judge(long requests, long errors, double? p95Ms) =>
        AnalysisJudge.Judge(new IntervalFigures(requests, errors, p95Ms), Spec, Start, End);
}
