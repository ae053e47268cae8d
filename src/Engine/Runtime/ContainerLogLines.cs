using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;

namespace Cutover.Engine.Runtime;

/// <summary>Reads a container's multiplexed stdout and stderr from the Docker log endpoint as text lines.</summary>
/// <remarks>
/// Lines are yielded as soon as a frame completes them, so a followed stream shows each line when the container
/// writes it; each stream keeps its own partial line because Docker interleaves frames of the two. A line longer
/// than <see cref="MaxLineLength"/> is cut while it is read, keeping its start and counting the rest, so a container
/// that writes megabytes without a line break costs this process no more than one line's worth of memory.
/// </remarks>
internal static class ContainerLogLines
{
    /// <summary>The characters of a line that are kept; the rest is counted and named in a suffix.</summary>
    public const int MaxLineLength = 16 * 1024;

    private const int BufferSize = 16 * 1024;

    public static IAsyncEnumerable<string> ReadAsync(MultiplexedStream stream, CancellationToken cancellationToken) =>
        ReadAsync(
            async (buffer, ct) =>
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
                return (read.EOF ? 0 : read.Count, read.Target == MultiplexedStream.TargetStream.StandardError);
            },
            cancellationToken);

    /// <summary>The suffix that marks a cut line, e.g. <c>… [cut: 82,000,000 characters]</c>.</summary>
    public static string CutMark(long cut) => string.Create(CultureInfo.InvariantCulture, $"… [cut: {cut:N0} characters]");

    /// <param name="read">Fills the buffer with the next frame's bytes: how many (0 at the end) and whether they are stderr.</param>
    internal static async IAsyncEnumerable<string> ReadAsync(
        Func<byte[], CancellationToken, Task<(int Count, bool StandardError)>> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stdout = new LineAssembler();
        var stderr = new LineAssembler();
        var buffer = new byte[BufferSize];
        var lines = new List<string>();
        while (true)
        {
            var (count, standardError) = await read(buffer, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                break;
            }

            (standardError ? stderr : stdout).Append(buffer, count, lines);
            foreach (var line in lines)
            {
                yield return line;
            }

            lines.Clear();
        }

        stdout.Flush(lines);
        stderr.Flush(lines);
        foreach (var line in lines)
        {
            yield return line;
        }
    }

    /// <summary>Turns one stream's frames into lines; frames may split lines and UTF-8 sequences anywhere.</summary>
    private sealed class LineAssembler
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private readonly StringBuilder _pending = new();
        private char[] _chars = new char[BufferSize + 1];
        private long _cut;
        private bool _cutEndsWithCarriageReturn;

        public void Append(byte[] bytes, int count, List<string> lines) => Decode(bytes, count, flush: false, lines);

        public void Flush(List<string> lines)
        {
            Decode([], 0, flush: true, lines);
            if (_pending.Length > 0)
            {
                Emit(lines);
            }
        }

        private void Decode(byte[] bytes, int count, bool flush, List<string> lines)
        {
            var needed = count + 4;
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            var decoded = _decoder.GetChars(bytes, 0, count, _chars, 0, flush);
            for (var i = 0; i < decoded; i++)
            {
                if (_chars[i] == '\n')
                {
                    Emit(lines);
                }
                else if (_pending.Length < MaxLineLength)
                {
                    _pending.Append(_chars[i]);
                }
                else
                {
                    _cut++;
                    _cutEndsWithCarriageReturn = _chars[i] == '\r';
                }
            }
        }

        private void Emit(List<string> lines)
        {
            if (_cut > 0)
            {
                // The \r of a CRLF ending was counted as cut, but it is no character of the line.
                var cut = _cutEndsWithCarriageReturn ? _cut - 1 : _cut;
                lines.Add(cut > 0 ? _pending.ToString() + CutMark(cut) : _pending.ToString());
            }
            else
            {
                if (_pending.Length > 0 && _pending[^1] == '\r')
                {
                    _pending.Length--;
                }

                lines.Add(_pending.ToString());
            }

            _pending.Clear();
            _cut = 0;
            _cutEndsWithCarriageReturn = false;
        }
    }
}
