using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Cutover.Engine.Backup;
using Cutover.Web.Cli.Offline;
using Cutover.Web.Cli.Output;
using Cutover.Web.Composition;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover backup FILE</c> (online, through the host) and <c>cutover restore FILE</c> (offline, no host running).</summary>
public static class BackupVerbs
{
    public static Command Backup(VerbRunner runner)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "Where to write the copy (mode 0600)" };
        file.AcceptLegalFilePathsOnly();
        var force = new Option<bool>("--force") { Description = "Replace FILE if it exists" };
        var command = new Command("backup", "Copy the running host's database (consistent, while it deploys) into FILE, checked before it is kept") { file, force };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var target = context.Value(file);
            var path = target.FullName;
            var folder = target.DirectoryName!;
            if (!Directory.Exists(folder))
            {
                throw new UsageException($"the folder {folder} does not exist");
            }

            if (File.Exists(path) && !context.Value(force))
            {
                throw new UsageException($"{path} exists; pass --force to replace it");
            }

            var started = Stopwatch.StartNew();
            // Received beside FILE and renamed over it only once whole and checked: FILE is never half a backup.
            var partial = path + ".partial";
            try
            {
                File.Delete(partial);
                await context.Api.BackupAsync(length => Create(partial, folder, length), cancellationToken);
                var content = await DatabaseInspector.InspectAsync(partial, path, full: false, cancellationToken);
                File.Move(partial, path, overwrite: true);
                var elapsed = started.Elapsed;
                context.Out.WriteLine(context.Json
                    ? JsonSerializer.Serialize(new { file = path, bytes = content.Bytes, deployments = content.Deployments, auditEntries = content.AuditEntries, migration = content.Migration, seconds = Math.Round(elapsed.TotalSeconds, 3) })
                    : $"backup written to {path}: {Units.Bytes(content.Bytes)}, {content.Deployments} deployments, {content.AuditEntries} audit entries, quick_check ok, in {Units.Duration(elapsed)}");
                return ExitCodes.Success;
            }
            catch (BackupException ex)
            {
                return Fail(context, ex);
            }
            catch (IOException ex)
            {
                context.Error.WriteLine($"error: {DiskRoom.Explain(ex, "the backup", folder) ?? $"could not write {partial}: {ex.Message}"}");
                return ExitCodes.NotSucceeded;
            }
            finally
            {
                File.Delete(partial);
            }
        });
        return command;
    }

    public static Command Restore(VerbRunner runner)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A backup made by 'cutover backup'" };
        file.AcceptLegalFilePathsOnly();
        var database = new Option<string?>("--database")
        {
            Description = $"The database to replace (default: Cutover:Database from the host's settings: appsettings.json, ${SettingsSources.FileVariable}, Cutover__Database, --Cutover:Database=PATH)",
            HelpName = "PATH",
        };
        var command = new Command("restore", "With no host running: check FILE, keep the current database aside and put FILE in its place") { file, database };
        command.TreatUnmatchedTokensAsErrors = false;
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var target = OfflineSettings.Database(
                context.Value(database),
                context.Parse.UnmatchedTokens,
                context.Variable,
                AppContext.BaseDirectory);
            RestoreOutcome outcome;
            try
            {
                outcome = await new OfflineRestore(TimeProvider.System).RestoreAsync(context.Value(file).FullName, target, cancellationToken);
            }
            catch (BackupException ex)
            {
                return Fail(context, ex);
            }

            if (context.Json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    backup = outcome.Backup,
                    database = outcome.Database,
                    deployments = outcome.Content.Deployments,
                    auditEntries = outcome.Content.AuditEntries,
                    migration = outcome.Content.Migration,
                    keptAs = outcome.KeptAs,
                    kept = outcome.Kept,
                }));
                return ExitCodes.Success;
            }

            var content = outcome.Content;
            context.Out.WriteLine($"restored {outcome.Backup} into {outcome.Database}");
            context.Out.WriteLine($"  it holds {content.Deployments} deployments and {content.AuditEntries} audit entries; integrity_check ok; audit chain verified; schema {content.Migration}");
            context.Out.WriteLine(outcome.KeptAs is { } kept
                ? $"  the database it replaced is kept as {kept}{Companions(outcome)}"
                : "  there was no database there before");
            context.Out.WriteLine("next: start the host (e.g. systemctl start cutover@a), then check it: cutover status; cutover audit verify");
            context.Out.WriteLine("  apps.yaml and the settings are not in a backup: the host runs what its apps.yaml says now");
            return ExitCodes.Success;
        });
        return command;
    }

    private static FileStream Create(string partial, string folder, long? length)
    {
        if (length is { } bytes && DiskRoom.Check("the backup", folder, bytes, DiskRoom.FreeBytes(folder)) is { } noRoom)
        {
            throw new BackupException(BackupFailure.NoRoom, noRoom);
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 1024 * 1024,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only: the copy holds the whole history and audit trail.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(partial, options);
    }

    private static string Companions(RestoreOutcome outcome)
    {
        var extra = outcome.Kept.Select(k => k[outcome.KeptAs!.Length..]).Where(s => s.Length > 0).ToList();
        return extra.Count == 0 ? string.Empty : $" (with its {string.Join(", ", extra)})";
    }

    /// <summary>A host holding the database is a refusal (4); a bad file or no room, a failure (1).</summary>
    private static int Fail(VerbContext context, BackupException failure)
    {
        context.Error.WriteLine($"error: {failure.Message}");
        return failure.Failure == BackupFailure.Busy ? ExitCodes.Refused : ExitCodes.NotSucceeded;
    }
}
