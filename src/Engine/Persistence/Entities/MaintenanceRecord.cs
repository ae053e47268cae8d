namespace Cutover.Engine.Persistence.Entities;

/// <summary>An application in maintenance, kept so that a restart serves the 503 again until someone lifts it.</summary>
public sealed class MaintenanceRecord
{
    public required string App { get; set; }

    public string? Message { get; set; }

    public int? RetryAfterSeconds { get; set; }

    public DateTime Since { get; set; }

    public required string By { get; set; }
}
