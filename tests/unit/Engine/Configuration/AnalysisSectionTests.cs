using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>
/// apps.yaml's per-app <c>analysis:</c> section: absent, nothing is judged; present, each key left out takes its
/// default (10s, 20 requests, 5%, latency not judged); error rates are percentages written with '%'.
/// </summary>
public sealed class AnalysisSectionTests : IDisposable
{
    /// <summary>A valid app to add an analysis section to; its keys start at column 5.</summary>
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_NoAnalysisSection_JudgesNothing()
    {
        Assert.Null(_folder.Parse(Shop).Apps["shop"].Analysis);
    }

    [Theory]
    [InlineData("    analysis:\n")]
    [InlineData("    analysis: {}\n")]
    public void Parse_EmptyAnalysisSection_TakesTheDefaults(string section)
    {
        var analysis = _folder.Parse(Shop + section).Apps["shop"].Analysis;

        Assert.Equal(new AnalysisSpec(TimeSpan.FromSeconds(10), 20, 0.05, null), analysis);
    }

    [Fact]
    public void Parse_EveryAnalysisKey_IsTaken()
    {
        var yaml = Shop + "    analysis:\n      interval: 30s\n      min_requests: 100\n      max_error_rate: 2.5%\n      max_p95: 800ms\n";

        var analysis = _folder.Parse(yaml).Apps["shop"].Analysis!;

        Assert.Equal(TimeSpan.FromSeconds(30), analysis.Interval);
        Assert.Equal(100, analysis.MinRequests);
        Assert.Equal(0.025, analysis.MaxErrorRate, 12);
        Assert.Equal(TimeSpan.FromMilliseconds(800), analysis.MaxP95);
    }

    [Fact]
    public void Parse_SomeAnalysisKeys_TheOthersTakeTheirDefaults()
    {
        var analysis = _folder.Parse(Shop + "    analysis: { max_p95: 1s }\n").Apps["shop"].Analysis;

        Assert.Equal(new AnalysisSpec(TimeSpan.FromSeconds(10), 20, 0.05, TimeSpan.FromSeconds(1)), analysis);
    }

    [Theory]
    [InlineData("0%", 0)]
    [InlineData("0.1%", 0.001)]
    [InlineData("5%", 0.05)]
    [InlineData("100%", 1)]
    [InlineData("100.0%", 1)]
    public void Parse_ErrorRatePercentage_IsTakenAsAShare(string value, double share)
    {
        Assert.Equal(share, _folder.Parse(Shop + $"    analysis:\n      max_error_rate: {value}\n").Apps["shop"].Analysis!.MaxErrorRate, 12);
    }

    [Theory]
    [InlineData("1s", 1_000)]
    [InlineData("10m", 600_000)]
    public void Parse_IntervalAtItsBounds_IsTaken(string value, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), _folder.Parse(Shop + $"    analysis:\n      interval: {value}\n").Apps["shop"].Analysis!.Interval);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("1000000", 1_000_000)]
    public void Parse_MinRequestsAtItsBounds_IsTaken(string value, int count)
    {
        Assert.Equal(count, _folder.Parse(Shop + $"    analysis:\n      min_requests: {value}\n").Apps["shop"].Analysis!.MinRequests);
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("2m", 120_000.0)]
    [InlineData("0.5ms", 0.5)]
    public void Parse_MaxP95_IsNoneOrADuration(string value, double? milliseconds)
    {
        var expected = milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;

        Assert.Equal(expected, _folder.Parse(Shop + $"    analysis:\n      max_p95: {value}\n").Apps["shop"].Analysis!.MaxP95);
    }

    [Theory]
    [InlineData("interval", "500ms", "must be from 1s to 10m (each interval's traffic is judged on its own)")]
    [InlineData("interval", "11m", "must be from 1s to 10m")]
    [InlineData("interval", "0s", "must be longer than zero")]
    [InlineData("interval", "10", "'10' is not a duration; expected a number followed by ms, s, m or h")]
    [InlineData("min_requests", "0", "'0' is not a count; expected a whole number from 1 to 1000000 (fewer requests in an interval: inconclusive)")]
    [InlineData("min_requests", "1000001", "'1000001' is not a count")]
    [InlineData("min_requests", "2.5", "'2.5' is not a count")]
    [InlineData("min_requests", "-1", "'-1' is not a count")]
    [InlineData("max_error_rate", "5", "'5' has no '%'; write the rate as a percentage, e.g. 5% or 0.5% (a bare number could mean either)")]
    [InlineData("max_error_rate", "0.05", "'0.05' has no '%'; write the rate as a percentage")]
    [InlineData("max_error_rate", "100.1%", "'100.1%' is more than 100%")]
    [InlineData("max_error_rate", "1000%", "'1000%' is not a percentage; expected a number from 0 to 100 followed by %, e.g. 5% or 0.5%")]
    [InlineData("max_error_rate", "-1%", "'-1%' is not a percentage")]
    [InlineData("max_error_rate", "5 %", "'5 %' is not a percentage")]
    [InlineData("max_error_rate", "five%", "'five%' is not a percentage")]
    [InlineData("max_p95", "3m", "must be at most 2m (the proxy times requests up to about 2 minutes); write none not to judge latency")]
    [InlineData("max_p95", "0ms", "must be longer than zero")]
    [InlineData("max_p95", "800", "'800' is not a duration")]
    [InlineData("max_p95", "None", "'None' is not a duration")]
    [InlineData("max_p95", "\"\"", "must not be empty")]
    [InlineData("max_error_rate", "[5%]", "must be a single value, not a list or mapping")]
    public void Parse_BadAnalysisValue_IsRefusedAtItsLineAndColumn(string key, string value, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    analysis:\n      {key}: {value}\n"));

        Assert.Equal((7, 9 + key.Length, $"apps.shop.analysis.{key}"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Parse_EveryBadAnalysisValue_IsReported()
    {
        var problems = _folder.Problems(Shop + "    analysis: { interval: 0.1s, min_requests: 0, max_error_rate: 5, max_p95: 1h }\n");

        Assert.Equal(
            ["apps.shop.analysis.interval", "apps.shop.analysis.min_requests", "apps.shop.analysis.max_error_rate", "apps.shop.analysis.max_p95"],
            problems.Select(p => p.FieldPath));
    }

    [Fact]
    public void Parse_UnknownAnalysisKey_IsRefusedNamingTheKnownOnes()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    analysis:\n      error_rate: 5%\n"));

        Assert.Equal((7, 7, "apps.shop.analysis.error_rate"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal("unknown key 'error_rate'; expected one of: interval, min_requests, max_error_rate, max_p95", problem.Message);
    }

    [Fact]
    public void Parse_AnalysisAsAValue_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    analysis: 5%\n"));

        Assert.Equal((6, 15, "apps.shop.analysis"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith("must be a mapping with the keys interval, min_requests, max_error_rate, max_p95", problem.Message);
    }
}
