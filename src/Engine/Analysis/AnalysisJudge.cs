using System.Globalization;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Engine.Analysis;

/// <summary>Judges one interval's figures against an app's <c>analysis:</c> thresholds: a pure function, no clock, no I/O.</summary>
/// <remarks>
/// Exactly at a threshold passes (<c>max_</c> is the highest value that still passes). Fewer requests than
/// <c>min_requests</c> is inconclusive whatever the figures: a handful of requests proves nothing either way.
/// A p95 threshold with no timed request in the interval (only WebSockets, say) leaves latency unjudged.
/// </remarks>
public static class AnalysisJudge
{
    // A rate read from apps.yaml (e.g. 7% = 0.07) times a count is not exact in binary: 7 of 100 must still pass 7%.
    private const double Tolerance = 1e-9;

    public static AnalysisResult Judge(IntervalFigures figures, AnalysisSpec spec, DateTimeOffset start, DateTimeOffset end)
    {
        var requests = Math.Max(0, figures.Requests);
        var errors = Math.Clamp(figures.Errors, 0, requests);
        var rate = requests == 0 ? 0 : (double)errors / requests;
        var errorPart = $"error rate {Percent(rate, "0.0")} ({errors} of {requests})";
        var p95Part = figures.P95Ms is { } measured ? $"p95 {Milliseconds(measured)}" : "p95 none (no timed request)";

        if (requests < spec.MinRequests)
        {
            var figuresPart = requests == 0 ? "no requests" : $"{errorPart}; {p95Part}";
            return new AnalysisResult(
                start, end, AnalysisOutcome.Inconclusive, requests, errors, rate, figures.P95Ms,
                $"inconclusive: {Quantity.Of(requests, "request")} < min_requests {spec.MinRequests} ({figuresPart})");
        }

        var errorsFail = errors > (spec.MaxErrorRate * requests) + Tolerance;
        var errorJudged = $"{errorPart} {(errorsFail ? ">" : "≤")} {Percent(spec.MaxErrorRate, "0.###")}";

        var latencyFails = false;
        var latencyJudged = p95Part;
        if (spec.MaxP95 is { } max && figures.P95Ms is { } p95)
        {
            latencyFails = p95 > max.TotalMilliseconds;
            latencyJudged = $"{p95Part} {(latencyFails ? ">" : "≤")} {Milliseconds(max.TotalMilliseconds)}";
        }

        var outcome = errorsFail || latencyFails ? AnalysisOutcome.Failed : AnalysisOutcome.Passed;
        return new AnalysisResult(start, end, outcome, requests, errors, rate, figures.P95Ms, $"{errorJudged}; {latencyJudged}");
    }

    private static string Percent(double share, string format) => (share * 100).ToString(format, CultureInfo.InvariantCulture) + "%";

    private static string Milliseconds(double ms) =>
        (ms >= 10 ? Math.Round(ms) : ms).ToString(ms >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture) + " ms";

}
