using System.Globalization;
using Cutover.Engine.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Backup;

/// <summary>Puts a backup in place of a database no host is running on, keeping the database it replaces.</summary>
/// <remarks>
/// The order makes every refusal change nothing: take the database's lock (so no host runs, nor starts meanwhile),
/// copy the backup beside the database and check the copy whole (integrity, schema, audit chain), and only then
/// move the current database aside with its -wal and -shm (together: committed transactions still in the -wal
/// belong to it) and rename the checked copy into place, on the same disk.
/// </remarks>
public sealed class OfflineRestore(TimeProvider time)
{
    /// <summary>Never a real host's admin URL: a host that finds the lock held while a restore runs names it so.</summary>
    public const string Holder = "none: cutover restore is running";

    /// <exception cref="BackupException">A host holds the database, the backup is unusable, or no room.</exception>
    public async Task<RestoreOutcome> RestoreAsync(string backup, string database, CancellationToken cancellationToken)
    {
        backup = Path.GetFullPath(backup);
        database = Path.GetFullPath(database);
        if (!File.Exists(backup))
        {
            throw new BackupException(BackupFailure.BadFile, $"{backup} does not exist");
        }

        if (string.Equals(backup, database, StringComparison.Ordinal))
        {
            throw new BackupException(BackupFailure.BadFile, $"{backup} is the database itself; name a backup made by 'cutover backup'");
        }

        var folder = Path.GetDirectoryName(database)!;
        Directory.CreateDirectory(folder);
        using var lease = new EngineLease(Options.Create(new EngineOptions { Database = database, AdminUrl = Holder }), time, NullLogger<EngineLease>.Instance);
        if (!lease.TryAcquire())
        {
            throw new BackupException(BackupFailure.Busy, HostRuns(database, lease.ReadHolder()));
        }

        var staged = database + ".restoring";
        try
        {
            DiskRoom.Ensure("the restored database", folder, new FileInfo(backup).Length);
            File.Copy(backup, staged, overwrite: true);
            var content = await DatabaseInspector.InspectAsync(staged, backup, full: true, cancellationToken);
            var keptAs = database + ".before-restore-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var kept = MoveAside(database, keptAs);
            try
            {
                File.Move(staged, database);
            }
            catch
            {
                MoveBack(kept, keptAs, database);
                throw;
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(database, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return new RestoreOutcome(backup, database, content, kept.Count > 0 ? keptAs : null, kept);
        }
        catch (IOException ex) when (DiskRoom.Explain(ex, "the restored database", folder) is { } full)
        {
            throw new BackupException(BackupFailure.NoRoom, full, ex);
        }
        finally
        {
            foreach (var suffix in DatabaseFiles.Suffixes)
            {
                File.Delete(staged + suffix);
            }
        }
    }

    /// <summary>The sentence for a database some host holds, naming that host as it wrote itself down.</summary>
    public static string HostRuns(string database, EngineHolder? holder)
    {
        var who = holder is null
            ? "a Cutover host"
            : string.Create(CultureInfo.InvariantCulture, $"a Cutover host (pid {holder.ProcessId}, running since {holder.Since:yyyy-MM-dd HH:mm:ss}Z, admin {holder.AdminUrl})");
        return $"{who} holds {database}: stop it first (e.g. systemctl stop 'cutover@*'), then run the restore again; nothing was changed";
    }

    private static List<string> MoveAside(string database, string keptAs)
    {
        var kept = new List<string>();
        foreach (var suffix in DatabaseFiles.Suffixes.Where(s => File.Exists(database + s)))
        {
            File.Move(database + suffix, keptAs + suffix);
            kept.Add(keptAs + suffix);
        }

        return kept;
    }

    private static void MoveBack(List<string> kept, string keptAs, string database)
    {
        foreach (var file in kept)
        {
            File.Move(file, database + file[keptAs.Length..]);
        }
    }
}
