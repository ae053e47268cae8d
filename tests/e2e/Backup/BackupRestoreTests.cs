using System.Runtime.Versioning;
using System.Diagnostics;
using System.Text.Json;
using Cutover.Tests.E2E.Cli;
using Cutover.Tests.E2E.Engine;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Backup;

/// <summary>
/// <c>cutover backup</c> against a real host while it deploys, and <c>cutover restore</c> of that backup over the
/// host's database after a crash, then the host started on it: the CLI as a process, real SQLite, real Docker.
/// </summary>
[Collection(DockerCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task BackupWhileDeploying_RestoreAfterTheHostStops_StartsWithTheSameAppsHistoryAndAVerifiedAudit()
    {
        // A long start grace holds the third deployment in health_checking while the backup is taken.
        var app = AppsYaml.Fresh("e2e-backup-restore", DemoImages.V1) with { Health = "{ path: /health, interval: 250ms, healthy_after: 2, start_grace: 20s, deadline: 40s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        var url = $"http://127.0.0.1:{host.AdminPort}";
        var database = Path.Combine(host.Folder, "cutover.db");
        await host.WaitForAppDeploymentAsync(app.App);
        host.AssertStatus("completed", await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V2), TimeSpan.FromSeconds(90)));
        var running = await host.DeployAsync(app.App, DemoImages.V1);
        await WaitForStatusAsync(host, running, "health_checking");
        var before = await HistoryAsync(host);

        var backup = Path.Combine(host.Folder, "backups", "cutover-backup.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        var took = await CliProcess.RunAsync(url, "backup", backup);

        Assert.True(took.ExitCode == 0, took + host.Output);
        output.WriteLine(took.Out);
        Assert.Equal("health_checking", (await host.GetJsonAsync($"api/deployments/{running}")).GetProperty("status").GetString());
        Assert.Matches($"^backup written to {backup}: .+, 3 deployments, [0-9]+ audit entries, quick_check ok, in ", took.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        // The host's temporary copy is gone once streamed.
        Assert.Empty(Directory.GetFiles(host.Folder, "cutover.db.backup-*"));

        var again = await CliProcess.RunAsync(url, "backup", backup);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("exists; pass --force to replace it", again.Error);

        var whileRunning = await CliProcess.RunAsync(null, "restore", backup, $"--Cutover:Database={database}");
        Assert.True(whileRunning.ExitCode == 4, whileRunning.ToString());
        Assert.Matches($@"error: a Cutover host \(pid [0-9]+, running since .+, admin {url}\) holds {database}: stop it first", whileRunning.Error);
        Assert.Empty(Directory.GetFiles(host.Folder, "cutover.db.before-restore-*"));

        // The deployment goes on to complete in the running host, after the backup: the backup keeps it under way.
        host.AssertStatus("completed", await host.WaitForDeploymentAsync(running, TimeSpan.FromSeconds(90)));
        await host.KillAsync();

        var restored = await CliProcess.RunAsync(null, "restore", backup, $"--Cutover:Database={database}");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        output.WriteLine(restored.Out);
        Assert.Contains($"restored {backup} into {database}", restored.Out);
        Assert.Matches("(?m)^  it holds 3 deployments and [0-9]+ audit entries; integrity_check ok; audit chain verified", restored.Out);
        var keptAs = Assert.Single(Directory.GetFiles(host.Folder, "cutover.db.before-restore-*Z"));
        Assert.Contains($"the database it replaced is kept as {keptAs}", restored.Out);

        await host.StartAsync();
        var after = await HistoryAsync(host);
        var apps = await host.GetJsonAsync("api/apps");
        var audit = await host.GetJsonAsync("api/audit/verify");
        var backups = await host.GetJsonAsync("api/audit?action=database.backup");

        Assert.Equal([app.App], apps.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        // What had ended when the backup was taken is as it was; the deployment under way then was interrupted by
        // the "restart" the restore amounts to, and the host ends it as it does after a crash.
        Assert.Equal(before.Where(d => d.Id != running), after.Where(d => d.Id != running));
        Assert.Equal([running], after.Where(d => d.Id == running).Select(d => d.Id));
        host.AssertStatus("rolled_back", await host.WaitForDeploymentAsync(running));
        Assert.True(audit.GetProperty("valid").GetBoolean(), audit.ToString());
        // The backup's own entry is written once the copy is made (it records the copy's size), so it is in the
        // database that was replaced, not in the copy.
        Assert.Equal(0, backups.GetArrayLength());
        Assert.Equal(1L, await CountAsync(keptAs, "SELECT count(*) FROM audit_events WHERE Action = 'database.backup'"));
        // The restored state says blue serves v2, but the old host had since switched to green and stopped blue:
        // the app answers 502 until the host has brought Docker in line with the restored state (self-healing).
        output.WriteLine($"served again {await ServedAfterAsync(app.Url)} after the restored host answered");
    }

    private async Task<TimeSpan> ServedAfterAsync(Uri url)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await _client.GetAsync(url);
                if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).StartsWith("demo v", StringComparison.Ordinal))
                {
                    return waited.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"{url} did not serve within 90 s of the restored host's start");
            await Task.Delay(250);
        }
    }

    private static async Task<IReadOnlyList<(long Id, string? Status, string? Image)>> HistoryAsync(HostProcess host)
    {
        var page = await host.GetJsonAsync("api/deployments?take=100");
        return page.GetProperty("items").EnumerateArray()
            .Select(d => (d.GetProperty("id").GetInt64(), d.GetProperty("status").GetString(), d.GetProperty("image").GetString()))
            .ToList();
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitForStatusAsync(HostProcess host, long id, string status)
    {
        var deadline = Stopwatch.StartNew();
        while ((await host.GetJsonAsync($"api/deployments/{id}")).GetProperty("status").GetString() != status)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"deployment {id} never reached {status}");
            await Task.Delay(50);
        }
    }
}
