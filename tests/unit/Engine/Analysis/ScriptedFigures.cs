using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Tests.Unit.Engine.Analysis;

/// <summary>A slot's cumulative counters as a test scripts them: answers, 5xx among them, and latencies in a few coarse buckets.</summary>
internal sealed class ScriptedFigures
{
    /// <summary>Bucket edges in ms: [0,1), [1,2), [2,5), [5,10), ... [1000,2000).</summary>
    public static readonly double[] EdgesMs = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

    private readonly long[] _latency = new long[EdgesMs.Length - 1];

    public long Ok { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Counts <paramref name="count"/> answers, each timed at <paramref name="ms"/>.</summary>
    public ScriptedFigures Add(long count, double ms, bool error = false)
    {
        if (error)
        {
            Errors += count;
        }
        else
        {
            Ok += count;
        }

        _latency[Math.Max(0, Array.FindLastIndex(EdgesMs, edge => edge <= ms))] += count;
        return this;
    }

    public SlotTrafficFigures Read() =>
        new(Ok + Errors, new RequestsByClass(0, Ok, 0, 0, Errors), new ProxyErrorCounts(0, 0, 0, 0), 0, new LatencySummary(0, 0, 0, 0), 0, 0)
        {
            Latency = new LatencyHistogram(EdgesMs, _latency),
        };

    /// <summary>Both slots as the proxy would answer GetFigures.</summary>
    public static TrafficFigures Of(Slot slot, ScriptedFigures figures, ScriptedFigures? other = null)
    {
        var rest = (other ?? new ScriptedFigures()).Read();
        return slot == Slot.Blue ? new TrafficFigures(0, figures.Read(), rest) : new TrafficFigures(0, rest, figures.Read());
    }
}
