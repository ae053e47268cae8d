using System.Runtime.Versioning;
using Cutover.Engine;
using Cutover.Engine.Audit;
using Cutover.Engine.Backup;
using Cutover.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Engine.Backup;

/// <summary>The online copy and the offline restore on real SQLite files: what they keep, and what they refuse without changing anything.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("cutover-restore-").FullName;
    private EngineHarness _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        await _engine.DeployAsync("shop", "demo:v2");
        await _engine.DeployAsync("blog", "demo:v2");
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_elsewhere, recursive: true);
    }

    private string Database => Path.GetFullPath(_engine.Get<IOptions<EngineOptions>>().Value.Database);

    private string Folder => Path.GetDirectoryName(Database)!;

    [Fact]
    public async Task Backup_OfTheRunningDatabase_IsACheckedCopyBesideIt_WithTheHistory_AndIsAudited()
    {
        var deployments = (await _engine.Deployments.ListAsync(null, null, 0, 100, CancellationToken.None)).Total;
        var entriesBefore = (await _engine.Get<AuditChainVerifier>().VerifyAsync(CancellationToken.None)).Entries;

        var copy = await _engine.Get<OnlineBackup>().MakeAsync("ops", "127.0.0.1", CancellationToken.None);

        Assert.Equal(Folder, Path.GetDirectoryName(copy.Path));
        Assert.Equal(deployments, copy.Content.Deployments);
        Assert.Equal(entriesBefore, copy.Content.AuditEntries);
        Assert.Equal(new FileInfo(copy.Path).Length, copy.Content.Bytes);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy.Path));
        // One self-contained file: no -wal beside it, and it opens as a valid trail of its own.
        Assert.False(File.Exists(copy.Path + "-wal"));
        var inspected = await DatabaseInspector.InspectAsync(copy.Path, "copy", full: true, CancellationToken.None);
        Assert.True(inspected.AuditVerified);
        var audit = await _engine.Get<AuditLog>().ListAsync(null, null, null, 100, CancellationToken.None);
        var entry = Assert.Single(audit, a => a.Action == OnlineBackup.Action);
        Assert.Equal(("ops", "succeeded"), (entry.Actor, entry.Outcome));
        Assert.Contains($"copy of {copy.Content.Bytes} bytes", entry.Detail);
    }

    [Fact]
    public async Task Restore_PutsTheBackupInPlace_AndKeepsTheReplacedDatabaseWithItsWal()
    {
        var backup = await BackupAsync();
        var target = Path.Combine(_elsewhere, "cutover.db");
        File.Copy(backup, target);
        await File.WriteAllTextAsync(target + "-wal", "the old database's last transactions");

        var outcome = await new OfflineRestore(TimeProvider.System).RestoreAsync(backup, target, CancellationToken.None);

        Assert.Equal(target, outcome.Database);
        Assert.NotNull(outcome.KeptAs);
        Assert.StartsWith(target + ".before-restore-", outcome.KeptAs);
        Assert.Equal([outcome.KeptAs, outcome.KeptAs + "-wal"], outcome.Kept);
        Assert.Equal("the old database's last transactions", await File.ReadAllTextAsync(outcome.KeptAs + "-wal"));
        Assert.False(File.Exists(target + "-wal"));
        Assert.False(File.Exists(target + ".restoring"));
        Assert.Equal(await File.ReadAllBytesAsync(backup), await File.ReadAllBytesAsync(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.True(outcome.Content.AuditVerified);
        Assert.Equal(2, outcome.Content.Deployments);
    }

    [Fact]
    public async Task Restore_IntoAFreshPath_KeepsNothing()
    {
        var backup = await BackupAsync();
        var target = Path.Combine(_elsewhere, "new", "cutover.db");

        var outcome = await new OfflineRestore(TimeProvider.System).RestoreAsync(backup, target, CancellationToken.None);

        Assert.Null(outcome.KeptAs);
        Assert.Empty(outcome.Kept);
        Assert.True(File.Exists(target));
    }

    [Fact]
    public async Task Restore_WhileAHostHoldsTheDatabase_IsRefused_NamingTheHost_AndChangesNothing()
    {
        var backup = await BackupAsync();
        var before = Snapshot(Folder);

        var refused = await Assert.ThrowsAsync<BackupException>(() => new OfflineRestore(TimeProvider.System).RestoreAsync(backup, Database, CancellationToken.None));

        Assert.Equal(BackupFailure.Busy, refused.Failure);
        Assert.Contains($"a Cutover host (pid {Environment.ProcessId}", refused.Message);
        Assert.Contains($"holds {Database}: stop it first", refused.Message);
        Assert.Equal(before, Snapshot(Folder));
    }

    public static TheoryData<string, string> BadBackups => new()
    {
        { "missing", "does not exist" },
        { "text", "is not a SQLite database" },
        { "truncated", "is truncated" },
        { "newer", "was written by a newer Cutover: its schema has 29991231000000_FromTheFuture" },
        { "edited audit", "its audit trail does not verify: entry 2 was changed" },
        { "not cutover", "is a SQLite database but not Cutover's" },
    };

    [Theory]
    [MemberData(nameof(BadBackups))]
    public async Task Restore_OfABadBackup_IsRefused_SayingWhy_AndChangesNothing(string kind, string expected)
    {
        var backup = await SpoiledAsync(kind);
        var target = Path.Combine(_elsewhere, "cutover.db");
        File.Copy(await BackupAsync(), target);
        var before = Snapshot(_elsewhere);

        var refused = await Assert.ThrowsAsync<BackupException>(() => new OfflineRestore(TimeProvider.System).RestoreAsync(backup, target, CancellationToken.None));

        Assert.Equal(BackupFailure.BadFile, refused.Failure);
        Assert.Contains(expected, refused.Message);
        Assert.StartsWith(backup, refused.Message);
        Assert.Equal(before, Snapshot(_elsewhere));
    }

    [Fact]
    public void DiskRoom_WithTooLittleFreeSpace_SaysWhatAndWhere()
    {
        var problem = DiskRoom.Check("the backup copy", "/var/lib/cutover", needed: 300L * 1024 * 1024, free: 100L * 1024 * 1024);

        Assert.Equal("no room for the backup copy in /var/lib/cutover: it needs about 300.0 MB (and 16.0 MB spare) but the disk has 100.0 MB free; free some space there (or point elsewhere) and try again", problem);
        Assert.Null(DiskRoom.Check("the backup copy", "/var/lib/cutover", needed: 300L * 1024 * 1024, free: 400L * 1024 * 1024));
    }

    private async Task<string> BackupAsync()
    {
        var copy = await _engine.Get<OnlineBackup>().MakeAsync("test", null, CancellationToken.None);
        var kept = Path.Combine(_elsewhere, $"backup-{Guid.NewGuid():N}.db");
        File.Move(copy.Path, kept);
        return kept;
    }

    private async Task<string> SpoiledAsync(string kind)
    {
        var path = Path.Combine(_elsewhere, $"spoiled-{kind.Replace(' ', '-')}.db");
        switch (kind)
        {
            case "missing":
                return path;
            case "text":
                await File.WriteAllTextAsync(path, "not a database, just some text that is long enough to have a header's worth of bytes in it, and more");
                return path;
            case "truncated":
                var whole = await File.ReadAllBytesAsync(await BackupAsync());
                await File.WriteAllBytesAsync(path, whole[..(whole.Length / 2)]);
                return path;
            case "not cutover":
                await SqlAsync(path, "CREATE TABLE notes (text TEXT)");
                return path;
        }

        File.Move(await BackupAsync(), path);
        await SqlAsync(path, kind == "newer"
            ? "INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('29991231000000_FromTheFuture', '99.0.0')"
            : "UPDATE audit_events SET Detail = 'nothing happened' WHERE Id = 2");
        return path;
    }

    private static async Task SqlAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(DatabaseInspector.ConnectionString(path));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Snapshot(string folder) => string.Join('\n', Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        // Trying the lock creates its file: that is no change to the data.
        .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && !f.EndsWith(".holder", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal) && !f.EndsWith("-wal", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(f => $"{f} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));
}
