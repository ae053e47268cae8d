using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("0ms", 0)]
    [InlineData("0s", 0)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1.5m", 90_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0.25h", 900_000)]
    [InlineData("8760h", 31_536_000_000)]
    public void TryParse_NumberAndUnit_Parses(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2 s")]
    [InlineData("-1s")]
    [InlineData("+1s")]
    [InlineData("1d")]
    [InlineData("2S")]
    [InlineData("1.s")]
    [InlineData(".5s")]
    [InlineData("1,5s")]
    [InlineData("1e3ms")]
    [InlineData("s")]
    [InlineData("1h30m")]
    [InlineData("8761h")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_AnythingElse_IsRefused(string? text)
    {
        Assert.False(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }
}
