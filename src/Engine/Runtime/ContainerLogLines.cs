using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;

namespace Cutover.Engine.Runtime;

/// <summary>Reads a container's multiplexed stdout and stderr from the Docker log endpoint as text lines.</summary>
/// <remarks>
/// Lines are yielded as soon as a frame completes them, so a followed stream shows each line when the container
/// writes it; each stream keeps its own partial line because Docker interleaves frames of the two.
/// </remarks>
internal static class ContainerLogLines
{
    private const int BufferSize = 16 * 1024;

    public static async IAsyncEnumerable<string> ReadAsync(MultiplexedStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stdout = new LineAssembler();
        var stderr = new LineAssembler();
        var buffer = new byte[BufferSize];
        var lines = new List<string>();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF || read.Count == 0)
            {
                break;
            }

            (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Append(buffer, read.Count, lines);
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
                else
                {
                    _pending.Append(_chars[i]);
                }
            }
        }

        private void Emit(List<string> lines)
        {
            if (_pending.Length > 0 && _pending[^1] == '\r')
            {
                _pending.Length--;
            }

            lines.Add(_pending.ToString());
            _pending.Clear();
        }
    }
}
