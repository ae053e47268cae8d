namespace Cutover.Engine.Persistence;

/// <summary>Times read back from SQLite: Cutover stores them as UTC, and the provider returns them without a kind.</summary>
public static class StoredTime
{
    public static DateTimeOffset AsUtc(this DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));
}
