using System.Globalization;
using Cutover.Engine.Audit;
using Cutover.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Backup;

/// <summary>Checks that a file is a whole Cutover database this version can run on, before anyone relies on it.</summary>
/// <remarks>
/// Cheap checks come first (the file, its header, its size against the page count the header states) so that a
/// file that is not SQLite, or a cut-off download, is named as such instead of as an obscure SQLite error.
/// </remarks>
public static class DatabaseInspector
{
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    /// <param name="path">The file to open; inspection may write to it (a hot journal is rolled back), so it is a copy.</param>
    /// <param name="name">The file as the operator named it, for messages.</param>
    /// <param name="full">integrity_check and the audit chain (restore); else quick_check only (a fresh backup).</param>
    public static async Task<DatabaseInspection> InspectAsync(string path, string name, bool full, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw Bad($"{name} does not exist");
        }

        var bytes = new FileInfo(path).Length;
        CheckHeader(path, name, bytes);
        try
        {
            await CheckIntegrityAsync(path, name, full, cancellationToken);
            await using var db = Open(path);
            var migration = CheckMigrations(db, name);
            var deployments = await db.Deployments.LongCountAsync(cancellationToken);
            var auditEntries = await db.AuditEvents.LongCountAsync(cancellationToken);
            if (full)
            {
                var audit = await new AuditChainVerifier(new FileContexts(path)).VerifyAsync(cancellationToken);
                if (!audit.Valid)
                {
                    throw Bad($"{name}: its audit trail does not verify: {audit.Problem}");
                }
            }

            return new DatabaseInspection(bytes, deployments, auditEntries, migration, full);
        }
        catch (SqliteException ex)
        {
            throw Bad($"{name} is damaged or not a Cutover database: {ex.Message}", ex);
        }
    }

    /// <summary>A connection string that leaves no pooled handle open on the file once its connection closes.</summary>
    public static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

    private static void CheckHeader(string path, string name, long bytes)
    {
        var header = new byte[100];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan(0, Header.Length).SequenceEqual(Header))
            {
                throw Bad($"{name} is not a SQLite database (it does not start with the SQLite header); is it a Cutover backup?");
            }
        }

        // Bytes 16-17: the page size (1 stands for 65536); 28-31: the page count, valid when the change counter (24-27) equals 92-95.
        var pageSize = (header[16] << 8) | header[17];
        pageSize = pageSize == 1 ? 65536 : pageSize;
        var pages = ReadUInt32(header, 28);
        if (ReadUInt32(header, 24) == ReadUInt32(header, 92) && (long)pageSize * pages > bytes)
        {
            throw Bad(string.Create(CultureInfo.InvariantCulture, $"{name} is truncated: its header says {(long)pageSize * pages} bytes ({pages} pages) but the file has {bytes}; was the copy cut off?"));
        }
    }

    private static async Task CheckIntegrityAsync(string path, string name, bool full, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(path));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // integrity_check also reads every index against its table; quick_check is linear in the file's size.
        command.CommandText = full ? "PRAGMA integrity_check(5)" : "PRAGMA quick_check(5)";
        var problems = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                problems.Add(reader.GetString(0));
            }
        }

        if (problems is not ["ok"])
        {
            throw Bad($"{name} is damaged: SQLite's {(full ? "integrity_check" : "quick_check")} found {string.Join("; ", problems)}");
        }
    }

    /// <returns>The newest migration applied to the file.</returns>
    private static string CheckMigrations(CutoverDbContext db, string name)
    {
        using var connection = new SqliteConnection(db.Database.GetConnectionString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            throw Bad($"{name} is a SQLite database but not Cutover's: it has no migration history");
        }

        command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId";
        var applied = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                applied.Add(reader.GetString(0));
            }
        }

        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = applied.Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw Bad($"{name} was written by a newer Cutover: its schema has {string.Join(", ", unknown)}, which this version ({known.Max(StringComparer.Ordinal)} is its newest) does not know; restore it with that version or a newer one");
        }

        return applied.Count > 0 ? applied[^1] : throw Bad($"{name} is a SQLite database but not Cutover's: no migration was ever applied to it");
    }

    private static CutoverDbContext Open(string path) =>
        new(new DbContextOptionsBuilder<CutoverDbContext>().UseSqlite(ConnectionString(path)).Options);

    private static uint ReadUInt32(byte[] bytes, int at) =>
        (uint)(bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3]);

    private static BackupException Bad(string message, Exception? inner = null) => new(BackupFailure.BadFile, message, inner);

    /// <summary>Contexts on one file, for the audit chain's verifier.</summary>
    private sealed class FileContexts(string path) : IDbContextFactory<CutoverDbContext>
    {
        public CutoverDbContext CreateDbContext() => Open(path);
    }
}
