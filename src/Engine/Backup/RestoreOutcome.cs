namespace Cutover.Engine.Backup;

/// <summary>What a restore did: which backup went where, and where the database it replaced was kept.</summary>
/// <param name="KeptAs">The replaced database's new name; null when there was none.</param>
/// <param name="Kept">Every file moved aside (the database and its -wal/-shm/-journal).</param>
public sealed record RestoreOutcome(string Backup, string Database, DatabaseInspection Content, string? KeptAs, IReadOnlyList<string> Kept);
