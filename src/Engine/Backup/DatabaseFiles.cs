namespace Cutover.Engine.Backup;

/// <summary>The files a SQLite database is made of: the file itself and what SQLite keeps beside it.</summary>
internal static class DatabaseFiles
{
    /// <summary>Appended to the database's path: "" (the database), the WAL and its index, the rollback journal.</summary>
    public static readonly string[] Suffixes = ["", "-wal", "-shm", "-journal"];
}
