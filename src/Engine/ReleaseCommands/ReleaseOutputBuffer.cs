namespace Cutover.Engine.ReleaseCommands;

/// <summary>The last lines of a release command's output, bounded in lines and characters, counting the lines it let go.</summary>
/// <remarks>Not thread-safe: <see cref="LiveReleaseOutput"/> guards it.</remarks>
public sealed class ReleaseOutputBuffer
{
    /// <summary>Lines kept: enough to read a failed migration's error and what led to it.</summary>
    public const int MaxLines = 200;

    /// <summary>Characters kept in all (about 64 KB), so one deployment's row stays small whatever the command prints.</summary>
    public const int MaxChars = 64 * 1024;

    private readonly Queue<string> _lines = new();
    private int _chars;

    /// <summary>How many earlier lines are no longer kept.</summary>
    public long Dropped { get; private set; }

    /// <summary>The number (from 0) the next line will have.</summary>
    public long Next => Dropped + _lines.Count;

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The last line with something on it, for a failure's reason; null when it printed nothing.</summary>
    public string? LastLine => _lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));

    /// <returns>The line's number.</returns>
    public long Add(string line)
    {
        if (line.Length > MaxChars)
        {
            line = line[..MaxChars];
        }

        var index = Next;
        _lines.Enqueue(line);
        _chars += line.Length + 1;
        while (_lines.Count > MaxLines || _chars > MaxChars)
        {
            _chars -= _lines.Dequeue().Length + 1;
            Dropped++;
        }

        return index;
    }
}
