namespace Cutover.Engine.Maintenance;

/// <summary>A maintenance notice that cannot be taken as asked (message too long, Retry-After out of bounds).</summary>
public sealed class MaintenanceRequestException(string message) : Exception(message);
