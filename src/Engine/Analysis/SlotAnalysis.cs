using System.Runtime.CompilerServices;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Telemetry;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Analysis;

/// <summary>Judges a slot interval by interval from the difference of two readings of the proxy's counters; each result is also counted and logged (the deployment stores and publishes it with its phase and weight).</summary>
/// <remarks>
/// The proxy's counters are per app and slot, and only forwarded exchanges reach a slot's: requests served by the
/// other slot, and answers the proxy gives with no slot (no backend, maintenance), are not the slot's and never
/// count. Intervals follow one another on the monotonic clock without drift: each starts where the last ended.
/// </remarks>
public sealed partial class SlotAnalysis(
    ITrafficSwitch traffic,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger<SlotAnalysis> logger) : ISlotAnalysis
{
    /// <summary>A slot that has served nothing yet, as if read before the app was first served.</summary>
    private static readonly SlotTrafficFigures Nothing = new(
        0, new RequestsByClass(0, 0, 0, 0, 0), new ProxyErrorCounts(0, 0, 0, 0), 0, new LatencySummary(0, 0, 0, 0), 0, 0);

    public async IAsyncEnumerable<AnalysisResult> WatchAsync(
        string app, Slot slot, AnalysisSpec spec, long deploymentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(spec.Interval, TimeSpan.Zero, nameof(spec));
        var origin = time.GetTimestamp();
        var before = Read(app, slot);
        var startedAt = time.GetUtcNow();
        for (var n = 1L; ; n++)
        {
            var untilEnd = (spec.Interval * n) - time.GetElapsedTime(origin);
            if (untilEnd > TimeSpan.Zero)
            {
                await Task.Delay(untilEnd, time, cancellationToken);
            }

            var after = Read(app, slot);
            var endedAt = time.GetUtcNow();
            var result = AnalysisJudge.Judge(IntervalFigures.Between(before, after), spec, startedAt, endedAt);
            Record(app, slot, deploymentId, result);
            yield return result;
            (before, startedAt) = (after, endedAt);
        }
    }

    /// <summary>The slot's counters now; a slot whose app is not served (yet, or any more) has served nothing since.</summary>
    private SlotTrafficFigures Read(string app, Slot slot) => traffic.GetFigures(app)?.Of(slot) ?? Nothing;

    private void Record(string app, Slot slot, long deploymentId, AnalysisResult result)
    {
        metrics.Analysed(app, slot, result.Outcome);
        if (result.Outcome == AnalysisOutcome.Failed)
        {
            Log.Failed(logger, app, slot.Name(), deploymentId, result.Summary);
        }
        else
        {
            Log.Judged(logger, app, slot.Name(), deploymentId, result.Outcome, result.Summary);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Analysis of {App} {Slot} (deployment {DeploymentId}): {Outcome}: {Summary}")]
        public static partial void Judged(ILogger logger, string app, string slot, long deploymentId, AnalysisOutcome outcome, string summary);

        [LoggerMessage(2, LogLevel.Warning, "Analysis of {App} {Slot} (deployment {DeploymentId}) failed: {Summary}")]
        public static partial void Failed(ILogger logger, string app, string slot, long deploymentId, string summary);
    }
}
