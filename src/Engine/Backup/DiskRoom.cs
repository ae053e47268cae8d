using System.Globalization;

namespace Cutover.Engine.Backup;

/// <summary>Whether a folder's disk has room for a file of a known size, said before anything is written.</summary>
public static class DiskRoom
{
    /// <summary>Room left beyond the copy, so that a backup never takes the host's last free bytes.</summary>
    public const long Reserve = 16L * 1024 * 1024;

    /// <summary>Free bytes on the disk holding <paramref name="folder"/>; null when the system cannot tell.</summary>
    public static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Null when <paramref name="needed"/> bytes (and <see cref="Reserve"/>) fit in <paramref name="free"/>; else why not.</summary>
    /// <param name="what">What would be written, e.g. "the backup copy".</param>
    public static string? Check(string what, string folder, long needed, long? free)
    {
        if (free is not { } available || available >= needed + Reserve)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"no room for {what} in {folder}: it needs about {Megabytes(needed)} (and {Megabytes(Reserve)} spare) but the disk has {Megabytes(available)} free; free some space there (or point elsewhere) and try again");
    }

    /// <summary>Throws <see cref="BackupFailure.NoRoom"/> when <see cref="Check"/> finds no room on the real disk.</summary>
    public static void Ensure(string what, string folder, long needed)
    {
        if (Check(what, folder, needed, FreeBytes(folder)) is { } problem)
        {
            throw new BackupException(BackupFailure.NoRoom, problem);
        }
    }

    /// <summary>What a write that failed for lack of room says; else null.</summary>
    public static string? Explain(Exception failure, string what, string folder)
    {
        var full = failure is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 }
            || (failure is IOException io && (io.HResult == 28 || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)));
        return full
            ? string.Create(CultureInfo.InvariantCulture, $"no room for {what} in {folder}: the disk filled up while writing it ({Megabytes(FreeBytes(folder) ?? 0)} free now); free some space there and try again")
            : null;
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB");
}
