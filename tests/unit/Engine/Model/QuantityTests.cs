using Cutover.Engine.Model;

namespace Cutover.Tests.Unit.Engine.Model;

public sealed class QuantityTests
{
    [Theory]
    [InlineData(0, "0 requests")]
    [InlineData(1, "1 request")]
    [InlineData(2, "2 requests")]
    [InlineData(1200, "1,200 requests")]
    public void Of_WritesTheNounForTheCount(long count, string expected) =>
        Assert.Equal(expected, Quantity.Of(count, "request"));

    [Fact]
    public void Of_TakesAnIrregularPlural() =>
        Assert.Equal("3 replies", Quantity.Of(3, "reply", "replies"));
}
