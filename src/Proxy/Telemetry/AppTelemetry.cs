using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Telemetry;

/// <summary>An application's traffic telemetry: one <see cref="SlotTelemetry"/> per slot, and the 503s answered when no slot was routed.</summary>
public sealed class AppTelemetry
{
    private long _noBackend;

    internal AppTelemetry(string app, TimeProvider time, ProxyMetrics metrics)
    {
        Blue = new SlotTelemetry(app, Slot.Blue, time, metrics);
        Green = new SlotTelemetry(app, Slot.Green, time, metrics);
    }

    public SlotTelemetry Blue { get; }

    public SlotTelemetry Green { get; }

    /// <summary>Requests answered 503 because no slot was routed (no healthy backend).</summary>
    public long NoBackend => Volatile.Read(ref _noBackend);

    public SlotTelemetry Of(Slot slot) => slot == Slot.Blue ? Blue : Green;

    internal void RecordNoBackend() => Interlocked.Increment(ref _noBackend);
}
