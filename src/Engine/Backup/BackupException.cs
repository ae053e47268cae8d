namespace Cutover.Engine.Backup;

/// <summary>Why a backup or a restore stopped, as a sentence that says what and where.</summary>
public sealed class BackupException(BackupFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public BackupFailure Failure { get; } = failure;
}

/// <summary>The kinds of <see cref="BackupException"/>, which the API and the CLI answer differently.</summary>
public enum BackupFailure
{
    /// <summary>The disk has no room for the copy.</summary>
    NoRoom,

    /// <summary>Another backup runs, or a host holds the database a restore would replace.</summary>
    Busy,

    /// <summary>The file is not a usable Cutover database: missing, not SQLite, damaged, newer, or its audit trail does not verify.</summary>
    BadFile,
}
