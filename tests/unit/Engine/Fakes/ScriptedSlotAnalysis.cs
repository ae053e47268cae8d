using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Tests.Unit.Engine.Fakes;

/// <summary>Yields the verdicts a test scripts, one per <see cref="Judge"/>, as if each were an interval that ended.</summary>
internal sealed class ScriptedSlotAnalysis(TimeProvider time) : ISlotAnalysis
{
    private readonly Channel<AnalysisOutcome> _script = Channel.CreateUnbounded<AnalysisOutcome>();
    private int _watches;

    /// <summary>How many times a deployment began judging a slot.</summary>
    public int Watches => Volatile.Read(ref _watches);

    /// <summary>The slot last judged.</summary>
    public Slot? Judged { get; private set; }

    public void Judge(params AnalysisOutcome[] outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _script.Writer.TryWrite(outcome);
        }
    }

    public async IAsyncEnumerable<AnalysisResult> WatchAsync(string app, Slot slot, AnalysisSpec spec, long deploymentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _watches);
        Judged = slot;
        await foreach (var outcome in _script.Reader.ReadAllAsync(cancellationToken))
        {
            var end = time.GetUtcNow();
            yield return outcome switch
            {
                AnalysisOutcome.Failed => new(end - spec.Interval, end, outcome, 50, 6, 0.12, 120, "error rate 12.0% > 5.0% (6 of 50 requests); p95 120 ms <= 800 ms"),
                AnalysisOutcome.Passed => new(end - spec.Interval, end, outcome, 50, 0, 0, 80, "error rate 0.0% <= 5.0% (0 of 50 requests); p95 80 ms <= 800 ms"),
                _ => new(end - spec.Interval, end, outcome, 3, 0, 0, null, "3 requests < 20: inconclusive"),
            };
        }
    }
}
