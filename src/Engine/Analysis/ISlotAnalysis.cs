using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Engine.Analysis;

/// <summary>Judges a slot's live traffic, from the proxy's own telemetry, once per analysis interval.</summary>
public interface ISlotAnalysis
{
    /// <summary>One result as each interval ends, from the first full interval after the call, until cancelled.</summary>
    /// <param name="deploymentId">The deployment the slot belongs to: each result is also published with it, for the console and <c>deploy --wait</c>.</param>
    /// <remarks>Cancelling ends the enumeration with an <see cref="OperationCanceledException"/>; an interval under way is not judged.</remarks>
    IAsyncEnumerable<AnalysisResult> WatchAsync(string app, Slot slot, AnalysisSpec spec, long deploymentId, CancellationToken cancellationToken);
}

/// <summary>How an interval was judged.</summary>
public enum AnalysisOutcome
{
    Passed,
    Failed,

    /// <summary>Fewer requests than <see cref="AnalysisSpec.MinRequests"/>: neither a pass nor a failure.</summary>
    Inconclusive,
}

/// <summary>One interval of a slot's traffic judged against the thresholds.</summary>
/// <param name="Requests">Exchanges of the slot that ended in the interval.</param>
/// <param name="Errors">Of those, 5xx answers (the proxy's own 502/503/504 included).</param>
/// <param name="P95Ms">The interval's 95th-percentile latency, or null when no request was timed.</param>
/// <param name="Summary">The figures against the thresholds, as an operator reads them (stored in a rollback's reason).</param>
public sealed record AnalysisResult(
    DateTimeOffset Start,
    DateTimeOffset End,
    AnalysisOutcome Outcome,
    long Requests,
    long Errors,
    double ErrorRate,
    double? P95Ms,
    string Summary);
