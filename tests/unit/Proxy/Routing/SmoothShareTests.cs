using Cutover.Proxy.Routing;

namespace Cutover.Tests.Unit.Proxy.Routing;

public class SmoothShareTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(25)]
    [InlineData(33)]
    [InlineData(50)]
    [InlineData(75)]
    [InlineData(99)]
    [InlineData(100)]
    public void EveryRunOfRequests_GivesTheCanaryItsShareToWithinOneRequest(int percent)
    {
        var takes = Enumerable.Range(1, 1000).Select(n => SmoothShare.TakesCanary(n, percent)).ToArray();

        for (var start = 0; start < takes.Length; start += 37)
        {
            foreach (var length in new[] { 10, 100, 500 })
            {
                var count = takes.Skip(start).Take(length).Count(t => t);
                var expected = Math.Min(length, takes.Length - start) * percent / 100.0;
                Assert.InRange(count, expected - 1, expected + 1);
            }
        }

        Assert.Equal(percent * 10, takes.Count(t => t));
    }

    [Fact]
    public void TwentyPercent_IsEveryFifthRequest()
    {
        var canaries = Enumerable.Range(1, 20).Where(n => SmoothShare.TakesCanary(n, 20));

        Assert.Equal(new[] { 5, 10, 15, 20 }, canaries);
    }

    [Fact]
    public void ZeroAndHundred_NeverAndAlways()
    {
        Assert.DoesNotContain(Enumerable.Range(1, 300), n => SmoothShare.TakesCanary(n, 0));
        Assert.All(Enumerable.Range(1, 300), n => Assert.True(SmoothShare.TakesCanary(n, 100)));
    }

    [Fact]
    public void FarIntoTheSequence_TheShareHolds()
    {
        const long start = 1L << 50;
        var count = 0;
        for (var n = start; n < start + 500; n++)
        {
            count += SmoothShare.TakesCanary(n, 20) ? 1 : 0;
        }

        Assert.Equal(100, count);
    }
}
