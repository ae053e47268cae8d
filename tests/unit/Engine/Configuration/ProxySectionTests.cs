using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>apps.yaml's per-app <c>proxy:</c> section: idle_timeout is none by default, none or a duration when given.</summary>
public sealed class ProxySectionTests : IDisposable
{
    /// <summary>A valid app to add a proxy section to; its keys start at column 5.</summary>
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_NoProxySection_NeverCutsAnIdleStream()
    {
        var shop = _folder.Parse(Shop).Apps["shop"];

        Assert.Equal(ProxySpec.Default, shop.Proxy);
        Assert.Null(shop.Proxy.IdleTimeout);
    }

    [Theory]
    [InlineData("    proxy:\n")]
    [InlineData("    proxy: {}\n")]
    [InlineData("    proxy: { idle_timeout: none }\n")]
    [InlineData("    proxy:\n      idle_timeout: none\n")]
    public void Parse_EmptyProxySectionOrNone_NeverCutsAnIdleStream(string section)
    {
        Assert.Null(_folder.Parse(Shop + section).Apps["shop"].Proxy.IdleTimeout);
    }

    [Theory]
    [InlineData("2s", 2_000)]
    [InlineData("500ms", 500)]
    [InlineData("15m", 900_000)]
    [InlineData("24h", 86_400_000)]
    public void Parse_IdleTimeoutDuration_IsTaken(string value, int milliseconds)
    {
        var shop = _folder.Parse(Shop + $"    proxy:\n      idle_timeout: {value}\n").Apps["shop"];

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), shop.Proxy.IdleTimeout);
    }

    [Theory]
    [InlineData("never", "'never' is neither none nor a duration; expected none or a number followed by ms, s, m or h, e.g. 500ms, 2s, 1.5m, 1h")]
    [InlineData("None", "'None' is neither none nor a duration; expected none or a number followed by ms, s, m or h")]
    [InlineData("30", "'30' is neither none nor a duration; expected none or a number followed by ms, s, m or h")]
    [InlineData("0s", "must be longer than zero")]
    [InlineData("25h", "must be at most 24h; write none for no idle limit")]
    [InlineData("\"\"", "must not be empty")]
    [InlineData("[1s]", "must be a single value, not a list or mapping")]
    public void Parse_BadIdleTimeout_IsRefusedAtItsLineAndColumn(string value, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    proxy:\n      idle_timeout: {value}\n"));

        Assert.Equal((7, 21, "apps.shop.proxy.idle_timeout"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith(message, problem.Message);
        Assert.Equal($"{_folder.YamlPath}:7:21: apps.shop.proxy.idle_timeout: {problem.Message}", problem.ToString());
    }

    [Fact]
    public void Parse_UnknownProxyKey_IsRefusedNamingTheKnownOnes()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    proxy:\n      idle: 5s\n"));

        Assert.Equal((7, 7, "apps.shop.proxy.idle"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal("unknown key 'idle'; expected one of: idle_timeout", problem.Message);
    }

    [Fact]
    public void Parse_ProxyAsAValue_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    proxy: 5s\n"));

        Assert.Equal((6, 12, "apps.shop.proxy"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith("must be a mapping with the keys idle_timeout", problem.Message);
    }

    [Fact]
    public void ProxySpec_ReadsAsAppsYamlWouldSayIt()
    {
        Assert.Equal("idle_timeout none", ProxySpec.Default.ToString());
        Assert.Equal("idle_timeout 90s", new ProxySpec(TimeSpan.FromSeconds(90)).ToString());
    }
}
