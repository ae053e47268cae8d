using Cutover.Engine.Events;

namespace Cutover.Engine.Maintenance;

/// <summary>An application went into maintenance, had its notice changed, or came out of it (<paramref name="Maintenance"/> null).</summary>
public sealed record MaintenanceChanged(DateTimeOffset At, string App, MaintenanceState? Maintenance) : EngineEvent(At);
