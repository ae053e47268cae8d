using System.Net;
using Cutover.Web.Cli;
using Cutover.Web.Cli.Offline;
using Cutover.Web.Composition;

namespace Cutover.Tests.Unit.Cli;

/// <summary><c>cutover backup</c> and <c>cutover restore</c>: what they refuse before anything is sent or touched, and where restore finds the database.</summary>
public sealed class BackupVerbTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-backup-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Backup_ToAnExistingFile_WithoutForce_IsRefused_AndSendsNothing()
    {
        var file = Path.Combine(_folder, "cutover.db");
        await File.WriteAllTextAsync(file, "last night's backup");
        var api = new FakeApi();

        var run = await CliRun.RunAsync(api, "backup", file);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains($"{file} exists; pass --force to replace it", run.Error);
        Assert.Empty(api.Requests);
        Assert.Equal("last night's backup", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Backup_WhenTheHostHasNoRoom_SaysWhatAndWhere_AndLeavesNoFile()
    {
        var file = Path.Combine(_folder, "cutover.db");
        var api = new FakeApi().OnProblem("POST api/backup", HttpStatusCode.InsufficientStorage, "No room for the backup", "no room for the backup copy in /var/lib/cutover: it needs about 300.0 MB");

        var run = await CliRun.RunAsync(api, "backup", file);

        Assert.True(run.ExitCode == ExitCodes.NotSucceeded, run.ToString());
        Assert.Contains("No room for the backup", run.Error);
        Assert.Contains("in /var/lib/cutover: it needs about 300.0 MB", run.Error);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task Restore_OfAMissingFile_SaysSo_AndTouchesNoDatabase()
    {
        var database = Path.Combine(_folder, "data", "cutover.db");

        var run = await CliRun.RunAsync(new FakeApi(), "restore", Path.Combine(_folder, "nope.db"), $"--Cutover:Database={database}");

        Assert.True(run.ExitCode == ExitCodes.NotSucceeded, run.ToString());
        Assert.Contains($"error: {Path.Combine(_folder, "nope.db")} does not exist", run.Error);
        Assert.False(Directory.Exists(Path.GetDirectoryName(database)));
    }

    [Fact]
    public async Task Restore_WithAStrayArgument_IsAUsageError()
    {
        var run = await CliRun.RunAsync(new FakeApi(), "restore", Path.Combine(_folder, "backup.db"), "--databse", "x.db");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("unrecognized argument '--databse'", run.Error);
    }

    [Fact]
    public async Task Database_ComesFromTheSettingsFile_ThenTheEnvironment_ThenArguments_AsTheHostReadsThem()
    {
        var builtIn = Path.Combine(_folder, "appsettings.json");
        await File.WriteAllTextAsync(builtIn, """{ "Cutover": { "Database": "data/cutover.db" } }""");
        var settings = Path.Combine(_folder, "etc.json");
        await File.WriteAllTextAsync(settings, """{ "Cutover": { "Database": "/var/lib/cutover/cutover.db" } }""");
        var variables = new Dictionary<string, string> { [SettingsSources.FileVariable] = settings };

        Assert.Equal(Path.GetFullPath("data/cutover.db"), OfflineSettings.Database(null, [], _ => null, _folder));
        Assert.Equal("/var/lib/cutover/cutover.db", OfflineSettings.Database(null, [], variables.GetValueOrDefault, _folder));
        variables["Cutover__Database"] = "/srv/env.db";
        Assert.Equal("/srv/env.db", OfflineSettings.Database(null, [], variables.GetValueOrDefault, _folder));
        Assert.Equal("/srv/arg.db", OfflineSettings.Database(null, ["--Cutover:Database=/srv/arg.db"], variables.GetValueOrDefault, _folder));
        Assert.Equal("/srv/option.db", OfflineSettings.Database("/srv/option.db", ["--Cutover:Database=/srv/arg.db"], variables.GetValueOrDefault, _folder));
    }

    [Fact]
    public void Database_WhenCutoverSettingsNamesAMissingFile_IsRefused_RatherThanGuessed()
    {
        var missing = Path.Combine(_folder, "nope.json");

        var refused = Assert.Throws<UsageException>(() => OfflineSettings.Database(null, [], name => name == SettingsSources.FileVariable ? missing : null, _folder));

        Assert.Equal($"CUTOVER_SETTINGS names {missing}, which does not exist; fix the variable or pass --database PATH", refused.Message);
    }
}
