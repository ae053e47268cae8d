using System.Collections.Concurrent;
using Cutover.Engine.Model;

namespace Cutover.Engine.Health;

/// <summary>The latest health of every slot, in memory, for dashboards and the API (history is in SQLite).</summary>
public sealed class HealthBoard
{
    private readonly ConcurrentDictionary<(string App, Slot Slot), SlotHealth> _slots = new();

    public void Record(string app, Slot slot, HealthResult result) =>
        _slots.AddOrUpdate(
            (app, slot),
            _ => new SlotHealth(result, result.Healthy ? 0 : 1),
            (_, before) => new SlotHealth(result, result.Healthy ? 0 : before.ConsecutiveFailures + 1));

    public SlotHealth? Get(string app, Slot slot) => _slots.TryGetValue((app, slot), out var health) ? health : null;

    public void Forget(string app)
    {
        _slots.TryRemove((app, Slot.Blue), out _);
        _slots.TryRemove((app, Slot.Green), out _);
    }
}

/// <summary>The last check of a slot and how many checks in a row have failed.</summary>
public sealed record SlotHealth(HealthResult Last, int ConsecutiveFailures)
{
    public string Status => Last.Healthy ? "healthy" : "unhealthy";
}
