using Cutover.Engine.ReleaseCommands;

namespace Cutover.Tests.Unit.Engine.Deployments;

/// <summary>A release command's kept output: its last 200 lines, at most 64 K characters, counting what it let go.</summary>
public sealed class ReleaseOutputBufferTests
{
    [Fact]
    public void Add_PastTwoHundredLines_KeepsTheLast_AndCountsTheDropped()
    {
        var buffer = new ReleaseOutputBuffer();

        for (var i = 0; i < 250; i++)
        {
            Assert.Equal(i, buffer.Add($"line {i}"));
        }

        Assert.Equal(ReleaseOutputBuffer.MaxLines, buffer.Lines.Count);
        Assert.Equal(("line 50", "line 249", 50L, 250L), (buffer.Lines[0], buffer.Lines[^1], buffer.Dropped, buffer.Next));
    }

    [Fact]
    public void Add_PastSixtyFourKilobytes_KeepsTheLastLinesThatFit()
    {
        var buffer = new ReleaseOutputBuffer();

        for (var i = 0; i < 10; i++)
        {
            buffer.Add(new string((char)('a' + i), 10_000));
        }

        Assert.True(buffer.Lines.Sum(l => l.Length + 1) <= ReleaseOutputBuffer.MaxChars);
        Assert.Equal(6, buffer.Lines.Count);
        Assert.Equal((4L, 'j'), (buffer.Dropped, buffer.Lines[^1][0]));
    }

    [Fact]
    public void LastLine_SkipsBlankLines()
    {
        var buffer = new ReleaseOutputBuffer();
        buffer.Add("ERROR: boom");
        buffer.Add("   ");
        buffer.Add(string.Empty);

        Assert.Equal("ERROR: boom", buffer.LastLine);
    }
}
