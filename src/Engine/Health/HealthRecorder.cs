using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Telemetry;

namespace Cutover.Engine.Health;

/// <summary>Where every health result goes: the history in SQLite, the live board, the metrics and the event stream.</summary>
public sealed class HealthRecorder(HealthStore store, HealthBoard board, EngineEventStream events, EngineMetrics metrics)
{
    /// <returns>The slot's health before this result, or null for its first check.</returns>
    public async Task<SlotHealth?> RecordAsync(string app, Slot slot, HealthResult result, long? deploymentId, CancellationToken cancellationToken)
    {
        await store.AddAsync(app, slot, result, deploymentId, cancellationToken);
        var before = board.Get(app, slot);
        board.Record(app, slot, result);
        metrics.HealthChecked(app, slot, result);
        events.Publish(new HealthChecked(result.At, app, slot, result, deploymentId));
        return before;
    }
}
