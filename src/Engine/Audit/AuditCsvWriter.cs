using System.Globalization;
using System.Text;

namespace Cutover.Engine.Audit;

/// <summary>Writes audit entries as RFC 4180 CSV (header row, CRLF, quoted where needed), safe to open in a spreadsheet.</summary>
public static class AuditCsvWriter
{
    private const int FlushEvery = 200;
    private const string Header = "id,at,actor,address,action,app,deploymentId,detail,outcome,hash";

    public static async Task WriteAsync(IAsyncEnumerable<AuditEntryView> entries, Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true)
        {
            NewLine = "\r\n",
        };
        await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
        var written = 0;
        var line = new StringBuilder();
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            line.Clear()
                .Append(entry.Id.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(entry.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(entry.Actor)).Append(',')
                .Append(Cell(entry.Address)).Append(',')
                .Append(Cell(entry.Action)).Append(',')
                .Append(Cell(entry.App)).Append(',')
                .Append(entry.DeploymentId?.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(entry.Detail)).Append(',')
                .Append(Cell(entry.Outcome)).Append(',')
                .Append(Cell(entry.Hash));
            await writer.WriteLineAsync(line, cancellationToken);
            if (++written % FlushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One text cell: neutralised against formula injection, then quoted if RFC 4180 requires it.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // A spreadsheet runs a cell starting with one of these as a formula (OWASP's CSV injection list, which
        // adds tab and CR to = + - @); the apostrophe makes it text. Detail is free text an API caller controls.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}
