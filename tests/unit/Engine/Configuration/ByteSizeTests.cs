using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("4096", 4096)]
    [InlineData("100b", 100)]
    [InlineData("64k", 64L << 10)]
    [InlineData("512m", 512L << 20)]
    [InlineData("512M", 512L << 20)]
    [InlineData("2g", 2L << 30)]
    [InlineData("2G", 2L << 30)]
    [InlineData("8589934591g", 8589934591L << 30)]
    public void TryParse_NumberAndOptionalSuffix_Parses(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("1.5g")]
    [InlineData("-1m")]
    [InlineData("12x")]
    [InlineData("1 m")]
    [InlineData("1mb")]
    [InlineData("1t")]
    [InlineData("8589934592g")]
    [InlineData("99999999999999999999")]
    [InlineData(null)]
    public void TryParse_AnythingElseOrTooLarge_IsRefused(string? text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
    }
}
