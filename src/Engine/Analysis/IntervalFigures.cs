using Cutover.Engine.Traffic;

namespace Cutover.Engine.Analysis;

/// <summary>What one slot served between two readings of the proxy's counters.</summary>
/// <param name="Requests">Answers the clients got (aborted exchanges are not answers, and say nothing of the slot).</param>
/// <param name="Errors">Of those, 5xx: the backend's own and the proxy's 502/503/504 when forwarding failed.</param>
/// <param name="P95Ms">The 95th percentile latency of the ordinary requests timed in the interval, or null when none was.</param>
public sealed record IntervalFigures(long Requests, long Errors, double? P95Ms)
{
    /// <summary>The difference of two readings of the same slot's counters; counters that went down (the app was served afresh) count from zero.</summary>
    public static IntervalFigures Between(SlotTrafficFigures start, SlotTrafficFigures end)
    {
        var restarted = end.Answered < start.Answered || end.ByClass.ServerError < start.ByClass.ServerError;
        var requests = restarted ? end.Answered : end.Answered - start.Answered;
        var errors = restarted ? end.ByClass.ServerError : end.ByClass.ServerError - start.ByClass.ServerError;
        var latency = end.Latency?.Since(restarted ? null : start.Latency);
        return new IntervalFigures(requests, errors, latency?.Percentile(0.95));
    }
}
