using System.Net;
using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>
/// apps.yaml's per-app <c>proxy:</c> section: idle_timeout is none by default, none or a duration when given;
/// trusted_proxies is empty by default, a list of addresses and CIDR networks when given.
/// </summary>
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
        Assert.Equal("unknown key 'idle'; expected one of: idle_timeout, trusted_proxies", problem.Message);
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

    [Fact]
    public void Parse_NoTrustedProxies_TrustsNobody()
    {
        Assert.Empty(_folder.Parse(Shop).Apps["shop"].Proxy.TrustedProxies);
        Assert.Empty(_folder.Parse(Shop + "    proxy:\n      trusted_proxies: []\n").Apps["shop"].Proxy.TrustedProxies);
    }

    [Fact]
    public void Parse_TrustedProxies_AreTakenAsNetworks_ABareAddressBeingOneHost()
    {
        var yaml = Shop + "    proxy:\n      trusted_proxies:\n        - 10.0.0.0/8\n        - ::1/128\n        - 192.168.1.10\n"
            + "        - \"2001:db8::1\"\n        - fd00::/8\n";

        var trusted = _folder.Parse(yaml).Apps["shop"].Proxy.TrustedProxies;

        Assert.Equal(
            ["10.0.0.0/8", "::1/128", "192.168.1.10/32", "2001:db8::1/128", "fd00::/8"],
            trusted.Select(n => n.ToString()));
    }

    [Fact]
    public void Parse_TrustedProxiesInAFlowList_AreTaken()
    {
        var trusted = _folder.Parse(Shop + "    proxy: { trusted_proxies: [127.0.0.1/32, \"::1\"] }\n").Apps["shop"].Proxy.TrustedProxies;

        Assert.Equal([IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("::1/128")], trusted);
    }

    [Theory]
    [InlineData("10/8", "'10/8' is not an IP address or network; expected an address such as 10.0.0.5 or ::1, or a CIDR network such as 10.0.0.0/8 or fd00::/8")]
    [InlineData("127.1", "'127.1' is not an IP address or network")]
    [InlineData("010.0.0.1", "'010.0.0.1' is not an IP address or network")]
    [InlineData("proxy.example.com", "'proxy.example.com' is not an IP address or network")]
    [InlineData("10.0.0.256/32", "'10.0.0.256/32' is not an IP address or network")]
    [InlineData("fe80::1%eth0", "'fe80::1%eth0' is not an IP address or network")]
    [InlineData("10.0.0.0/33", "'10.0.0.0/33' has no valid prefix length; an IPv4 network takes 1 to 32 after the '/'")]
    [InlineData("10.0.0.0/", "'10.0.0.0/' has no valid prefix length")]
    [InlineData("10.0.0.0/+8", "'10.0.0.0/+8' has no valid prefix length")]
    [InlineData("fd00::/129", "'fd00::/129' has no valid prefix length; an IPv6 network takes 1 to 128 after the '/'")]
    [InlineData("10.0.0.1/8", "'10.0.0.1/8' has address bits set past its /8 prefix; write the network as 10.0.0.0/8, or 10.0.0.1 alone for that one host")]
    [InlineData("fd00::1/8", "'fd00::1/8' has address bits set past its /8 prefix; write the network as fd00::/8")]
    [InlineData("0.0.0.0/0", "'0.0.0.0/0' would trust every address: any client could then choose the client address, scheme and host its backend sees")]
    [InlineData("::/0", "'::/0' would trust every address")]
    [InlineData("\"\"", "must not be empty")]
    [InlineData("[10.0.0.0/8]", "must be a single value, not a list or mapping")]
    public void Parse_BadTrustedProxy_IsRefusedAtItsLineAndColumn(string value, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    proxy:\n      trusted_proxies:\n        - 10.0.0.0/8\n        - {value}\n"));

        Assert.Equal((9, 11, "apps.shop.proxy.trusted_proxies[1]"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Parse_EveryBadTrustedProxy_IsReported()
    {
        var problems = _folder.Problems(Shop + "    proxy:\n      trusted_proxies: [10/8, 10.0.0.0/8, 0.0.0.0/0]\n");

        Assert.Equal(["apps.shop.proxy.trusted_proxies[0]", "apps.shop.proxy.trusted_proxies[2]"], problems.Select(p => p.FieldPath));
    }

    [Fact]
    public void Parse_TrustedProxiesNotAList_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    proxy:\n      trusted_proxies: 10.0.0.0/8\n"));

        Assert.Equal((7, 24, "apps.shop.proxy.trusted_proxies"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith("must be a list", problem.Message);
    }

    [Fact]
    public void Parse_MoreThanSixtyFourTrustedProxies_IsRefused()
    {
        var many = string.Join(", ", Enumerable.Range(1, ProxySpec.MaxTrustedProxies + 1).Select(i => $"10.0.{i}.0/24"));

        var problem = Assert.Single(_folder.Problems(Shop + $"    proxy:\n      trusted_proxies: [{many}]\n"));

        Assert.Equal((7, 24, "apps.shop.proxy.trusted_proxies"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith("lists 65 networks; at most 64 are allowed", problem.Message);
    }

    [Fact]
    public void Parse_SixtyFourTrustedProxies_AreTaken()
    {
        var many = string.Join(", ", Enumerable.Range(1, ProxySpec.MaxTrustedProxies).Select(i => $"10.0.{i}.0/24"));

        Assert.Equal(64, _folder.Parse(Shop + $"    proxy:\n      trusted_proxies: [{many}]\n").Apps["shop"].Proxy.TrustedProxies.Count);
    }

    [Fact]
    public void ProxySpec_WithTheSameNetworksInAnotherList_IsEqual()
    {
        var a = ProxySpec.Default with { TrustedProxies = [IPNetwork.Parse("10.0.0.0/8")] };
        var b = ProxySpec.Default with { TrustedProxies = [IPNetwork.Parse("10.0.0.0/8")] };
        var c = ProxySpec.Default with { TrustedProxies = [IPNetwork.Parse("10.0.0.0/16")] };

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(ProxySpec.Default, a);
    }

    [Fact]
    public void ProxySpec_WithTrustedProxies_ReadsAsAppsYamlWouldSayIt()
    {
        var spec = ProxySpec.Default with { TrustedProxies = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("::1/128")] };

        Assert.Equal("idle_timeout none, trusted_proxies [10.0.0.0/8, ::1/128]", spec.ToString());
    }
}
