using System.Text;
using Cutover.Engine.Runtime;

namespace Cutover.Tests.Unit.Engine.Runtime;

/// <summary>Docker's log frames turned into lines: split anywhere, two streams interleaved, long lines cut while read.</summary>
public sealed class ContainerLogLinesTests
{
    [Fact]
    public async Task Read_FramesSplittingLinesAndStreams_GivesWholeLines()
    {
        var lines = await ReadAsync(Frames(("hel", false), ("oops\n", true), ("lo\r\nworld", false)));

        Assert.Equal(["oops", "hello", "world"], lines);
    }

    [Fact]
    public async Task Read_ALineLongerThanTheCap_KeepsItsStartAndNamesWhatWasCut()
    {
        var longLine = new string('x', ContainerLogLines.MaxLineLength + 82_000) + "\r\n";

        var lines = await ReadAsync(Frames(("before\n", false), (longLine, false), ("after\n", false)));

        Assert.Equal(3, lines.Count);
        Assert.Equal("before", lines[0]);
        Assert.Equal(new string('x', ContainerLogLines.MaxLineLength) + "… [cut: 82,000 characters]", lines[1]);
        Assert.Equal("after", lines[2]);
    }

    [Fact]
    public async Task Read_ALineThatNeverEnds_IsCutAtTheEndOfTheStream()
    {
        var lines = await ReadAsync(Frames((new string('y', ContainerLogLines.MaxLineLength + 5), true)));

        Assert.Equal(new string('y', ContainerLogLines.MaxLineLength) + "… [cut: 5 characters]", Assert.Single(lines));
    }

    [Fact]
    public async Task Read_EightMillionCharactersWithoutALineBreak_CostsAboutOneLine()
    {
        const int total = 8_000_000;
        var chunk = Encoding.UTF8.GetBytes(new string('z', 16 * 1024));
        var sent = 0;
        Task<(int, bool)> Next(byte[] buffer, CancellationToken _)
        {
            if (sent >= total)
            {
                return Task.FromResult((0, false));
            }

            var count = Math.Min(Math.Min(buffer.Length, chunk.Length), total - sent);
            chunk.AsSpan(0, count).CopyTo(buffer);
            sent += count;
            return Task.FromResult((count, false));
        }

        // Every read completes synchronously, so all the work happens on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = new List<string>();
        await foreach (var line in ContainerLogLines.ReadAsync(Next, CancellationToken.None))
        {
            lines.Add(line);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.EndsWith("… [cut: 7,983,616 characters]", Assert.Single(lines), StringComparison.Ordinal);
        // The whole line as a string would be 16 MB (and more while a StringBuilder grows to it).
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated");
    }

    private static async Task<List<string>> ReadAsync(Func<byte[], CancellationToken, Task<(int, bool)>> read)
    {
        var lines = new List<string>();
        await foreach (var line in ContainerLogLines.ReadAsync(read, CancellationToken.None))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Serves each frame's UTF-8 bytes in reads of at most the buffer's size, then the end.</summary>
    private static Func<byte[], CancellationToken, Task<(int, bool)>> Frames(params (string Text, bool StandardError)[] frames)
    {
        var queue = new Queue<(byte[] Bytes, bool StandardError)>(frames.Select(f => (Encoding.UTF8.GetBytes(f.Text), f.StandardError)));
        var offset = 0;
        return (buffer, _) =>
        {
            if (queue.Count == 0)
            {
                return Task.FromResult((0, false));
            }

            var (bytes, standardError) = queue.Peek();
            var count = Math.Min(buffer.Length, bytes.Length - offset);
            bytes.AsSpan(offset, count).CopyTo(buffer);
            offset += count;
            if (offset == bytes.Length)
            {
                queue.Dequeue();
                offset = 0;
            }

            return Task.FromResult((count, standardError));
        };
    }
}
