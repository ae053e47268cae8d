namespace Cutover.Engine.Backup;

/// <summary>A checked copy of the running database in a temporary file of the data directory, which its reader deletes.</summary>
public sealed record BackupCopy(string Path, DatabaseInspection Content, TimeSpan Elapsed);
