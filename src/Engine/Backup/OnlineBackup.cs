using System.Globalization;
using Cutover.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Backup;

/// <summary>Copies the running host's database with SQLite's backup API while deployments go on writing.</summary>
/// <remarks>
/// The copy is one backup step over the whole file, inside one read transaction: with WAL, writers are not held up
/// and the copy is the database as of one commit. It goes into the data directory (same disk, sized like the
/// database, not a small /tmp), in the rollback-journal mode so that it is a single self-contained file, and is
/// checked (quick_check, schema, counts) before anyone is told it is good.
/// </remarks>
public sealed partial class OnlineBackup(IOptions<EngineOptions> options, AuditLog audit, TimeProvider time, ILogger<OnlineBackup> logger) : IDisposable
{
    public const string Action = "database.backup";

    private const string What = "the backup copy";

    // One copy at a time: each holds a read snapshot and takes the database's size on disk.
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Makes and checks the copy, and audits it (or its failure).</summary>
    /// <exception cref="BackupException">Another backup runs, or no room.</exception>
    public async Task<BackupCopy> MakeAsync(string actor, string? address, CancellationToken cancellationToken)
    {
        if (!await _one.WaitAsync(0, cancellationToken))
        {
            throw new BackupException(BackupFailure.Busy, "a backup of this database is already being made; try again when it has finished");
        }

        var database = Path.GetFullPath(options.Value.Database);
        var folder = Path.GetDirectoryName(database)!;
        var temp = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(database)}.backup-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}.tmp"));
        try
        {
            var started = time.GetTimestamp();
            DiskRoom.Ensure(What, folder, SizeOf(database) + SizeOf(database + "-wal"));
            await Task.Run(() => Copy(database, temp), cancellationToken);
            var content = await DatabaseInspector.InspectAsync(temp, What, full: false, cancellationToken);
            var elapsed = time.GetElapsedTime(started);
            await audit.AppendAsync(
                actor,
                Action,
                "succeeded",
                null,
                string.Create(CultureInfo.InvariantCulture, $"copy of {content.Bytes} bytes: {content.Deployments} deployments, {content.AuditEntries} audit entries before this one, made in {elapsed.TotalMilliseconds:0} ms"),
                cancellationToken,
                address: address);
            Log.Made(logger, content.Bytes, content.Deployments, content.AuditEntries, (long)elapsed.TotalMilliseconds);
            return new BackupCopy(temp, content, elapsed);
        }
        catch (Exception ex)
        {
            Delete(temp);
            var failure = ex as BackupException
                ?? (DiskRoom.Explain(ex, What, folder) is { } full ? new BackupException(BackupFailure.NoRoom, full, ex) : null);
            if (failure is not null || ex is not OperationCanceledException)
            {
                var reason = failure?.Message ?? ex.Message;
                Log.Failed(logger, reason);
                await audit.AppendAsync(actor, Action, "failed", null, reason, CancellationToken.None, address: address);
            }

            if (failure is not null && !ReferenceEquals(failure, ex))
            {
                throw failure;
            }

            throw;
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();

    private static void Copy(string database, string temp)
    {
        using var source = new SqliteConnection(DatabaseInspector.ConnectionString(database));
        using var copy = new SqliteConnection(DatabaseInspector.ConnectionString(temp));
        source.Open();
        copy.Open();
        // -1: every page in one step, so the copy never restarts when a deployment writes meanwhile.
        source.BackupDatabase(copy);
        using var command = copy.CreateCommand();
        // The live database is in WAL mode; the copy becomes one file that needs no -wal beside it.
        command.CommandText = "PRAGMA journal_mode=DELETE";
        command.ExecuteNonQuery();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static void Delete(string path)
    {
        foreach (var suffix in DatabaseFiles.Suffixes)
        {
            try
            {
                File.Delete(path + suffix);
            }
            catch (IOException)
            {
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Backup: copied the database ({Bytes} bytes, {Deployments} deployments, {AuditEntries} audit entries) in {ElapsedMs} ms")]
        public static partial void Made(ILogger logger, long bytes, long deployments, long auditEntries, long elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Backup failed: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
