using System.CommandLine;
using System.Text.Json;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover audit export|verify</c>: the hash-chained audit trail.</summary>
public static class AuditVerb
{
    public static Command Create(VerbRunner runner) =>
        new("audit", "Export or verify the audit trail") { Export(runner), Verify(runner) };

    private static Command Export(VerbRunner runner)
    {
        var format = new Option<string>("--format") { Description = "csv or json", HelpName = "csv|json", Required = true }.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<FileInfo>("--out") { Description = "The file to write (replaced if it exists)", HelpName = "FILE", Required = true };
        output.AcceptLegalFilePathsOnly();
        var from = CommonOptions.Time("--from", "Entries at or after this time (ISO 8601, UTC unless an offset is given)");
        var to = CommonOptions.Time("--to", "Entries before this time");
        var app = new Option<string?>("--app") { Description = "Only this application's entries", HelpName = "APP" };
        var command = new Command("export", "Stream audit entries, oldest first, into a file") { format, output, from, to, app };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            if (context.Value(from) is { } start && context.Value(to) is { } end && end <= start)
            {
                throw new UsageException("--to must be after --from");
            }

            var file = context.Value(output);
            if (file.Directory is { Exists: false } folder)
            {
                throw new UsageException($"--out: the folder {folder.FullName} does not exist");
            }

            // Streamed into a file beside the target, which replaces it only once the export is whole.
            var partial = file.FullName + ".partial";
            long bytes;
            try
            {
                await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    bytes = await context.Api.ExportAuditAsync(new AuditQuery(context.Value(format), context.Value(from), context.Value(to), context.Value(app)), stream, cancellationToken);
                }

                File.Move(partial, file.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }

            context.Out.WriteLine(context.Json
                ? JsonSerializer.Serialize(new { file = file.FullName, bytes })
                : $"wrote {Units.Bytes(bytes)} of audit entries to {file.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Verify(VerbRunner runner)
    {
        var command = new Command("verify", "Check the audit trail's hash chain; exit 1 when an entry was edited or removed");
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.VerifyAuditAsync(cancellationToken);
            var result = answer.Value;
            context.Out.WriteLine(context.Json ? answer.Json : Sentence(result));
            return result.Valid ? ExitCodes.Success : ExitCodes.NotSucceeded;
        });
        return command;
    }

    private static string Sentence(AuditVerification result) => result.Valid
        ? $"audit trail intact: {result.Entries} entries, hash chain unbroken"
        : $"audit trail BROKEN{(result.FirstBrokenId is { } id ? $" at entry {id}" : "")}: {result.Problem ?? "the hash chain does not hold"} ({result.Entries} entries)";
}
