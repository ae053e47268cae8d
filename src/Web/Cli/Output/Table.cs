using System.Text;

namespace Cutover.Web.Cli.Output;

/// <summary>Plain-text columns for people: a header, then rows, each column as wide as its widest cell.</summary>
/// <remarks>Columns are separated by two spaces; the last column is not padded, so no line ends in blanks.</remarks>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    /// <summary>Adds a row; missing cells are blank, null cells show as "-".</summary>
    /// <exception cref="ArgumentException">More cells than columns.</exception>
    public Table Add(params string?[] cells)
    {
        if (cells.Length > headers.Length)
        {
            throw new ArgumentException($"{cells.Length} cells for {headers.Length} columns", nameof(cells));
        }

        _rows.Add([.. Enumerable.Range(0, headers.Length).Select(i => i < cells.Length ? Clean(cells[i]) : "")]);
        return this;
    }

    public void WriteTo(TextWriter writer) => writer.Write(ToString());

    public override string ToString()
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(headers))
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    // One row per line, whatever the host put in a message.
    private static string Clean(string? cell) => cell is null ? "-" : cell.ReplaceLineEndings(" ").Replace('\t', ' ');
}
