using System.Net;
using Cutover.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;

namespace Cutover.Tests.Unit.Proxy.Forwarding;

/// <summary>Which forwarding headers a backend gets: the client's own only from a trusted proxy, the connection's otherwise.</summary>
public sealed class ForwardedHeadersTransformerTests
{
    private static readonly TrustedProxies TenSlashEight = new([IPNetwork.Parse("10.0.0.0/8")]);

    /// <summary>What a client that makes up its own forwarding story sends.</summary>
    private static readonly (string Name, string Value)[] Spoofed =
    [
        ("X-Forwarded-For", "198.51.100.1, 10.9.9.9"),
        ("X-Real-IP", "198.51.100.1"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "www.example.test"),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Prefix", "/admin"),
        ("Forwarded", "for=198.51.100.1;proto=https"),
        ("X-Custom", "kept"),
    ];

    [Fact]
    public async Task UntrustedPeer_SpoofedHeaders_AreReplacedFromTheConnection()
    {
        var sent = await TransformAsync(TrustedProxies.None, "203.0.113.9", Spoofed);

        Assert.Equal("203.0.113.9", Single(sent, "X-Forwarded-For"));
        Assert.Equal("203.0.113.9", Single(sent, "X-Real-IP"));
        Assert.Equal("http", Single(sent, "X-Forwarded-Proto"));
        Assert.Equal("shop.example.test", Single(sent, "X-Forwarded-Host"));
    }

    [Fact]
    public async Task UntrustedPeer_ForwardedAndOtherXForwardedHeaders_AreDropped()
    {
        var sent = await TransformAsync(TrustedProxies.None, "203.0.113.9", Spoofed);

        Assert.False(sent.Contains("Forwarded"));
        Assert.False(sent.Contains("X-Forwarded-Port"));
        Assert.False(sent.Contains("x-forwarded-prefix"));
        Assert.Equal("kept", Single(sent, "X-Custom"));
    }

    [Fact]
    public async Task UntrustedPeer_OutsideTheTrustedNetworks_IsTreatedAsTheClient()
    {
        var sent = await TransformAsync(TenSlashEight, "11.0.0.1", Spoofed);

        Assert.Equal("11.0.0.1", Single(sent, "X-Forwarded-For"));
        Assert.Equal("11.0.0.1", Single(sent, "X-Real-IP"));
        Assert.Equal("http", Single(sent, "X-Forwarded-Proto"));
    }

    [Fact]
    public async Task UntrustedPeer_WithoutHeaders_GetsThemAdded()
    {
        var sent = await TransformAsync(TrustedProxies.None, "203.0.113.9", []);

        Assert.Equal("203.0.113.9", Single(sent, "X-Forwarded-For"));
        Assert.Equal("203.0.113.9", Single(sent, "X-Real-IP"));
        Assert.Equal("http", Single(sent, "X-Forwarded-Proto"));
        Assert.Equal("shop.example.test", Single(sent, "X-Forwarded-Host"));
    }

    [Fact]
    public async Task TrustedPeer_HeadersAreKept_AndItIsAppendedToTheChain()
    {
        var sent = await TransformAsync(TenSlashEight, "10.1.2.3", Spoofed);

        Assert.Equal("198.51.100.1, 10.9.9.9, 10.1.2.3", Single(sent, "X-Forwarded-For"));
        Assert.Equal("198.51.100.1", Single(sent, "X-Real-IP"));
        Assert.Equal("https", Single(sent, "X-Forwarded-Proto"));
        Assert.Equal("www.example.test", Single(sent, "X-Forwarded-Host"));
        Assert.Equal("for=198.51.100.1;proto=https", Single(sent, "Forwarded"));
        Assert.Equal("443", Single(sent, "X-Forwarded-Port"));
    }

    [Fact]
    public async Task TrustedPeer_WithoutHeaders_GetsThemAdded()
    {
        var sent = await TransformAsync(TenSlashEight, "10.1.2.3", []);

        Assert.Equal("10.1.2.3", Single(sent, "X-Forwarded-For"));
        Assert.Equal("10.1.2.3", Single(sent, "X-Real-IP"));
        Assert.Equal("http", Single(sent, "X-Forwarded-Proto"));
        Assert.Equal("shop.example.test", Single(sent, "X-Forwarded-Host"));
    }

    [Fact]
    public async Task TrustedPeer_IPv4MappedOnADualStackListener_IsTrustedAndWrittenAsIPv4()
    {
        var sent = await TransformAsync(TenSlashEight, "::ffff:10.1.2.3", Spoofed);

        Assert.Equal("198.51.100.1, 10.9.9.9, 10.1.2.3", Single(sent, "X-Forwarded-For"));
        Assert.Equal("https", Single(sent, "X-Forwarded-Proto"));
    }

    [Fact]
    public async Task UntrustedPeer_IPv4MappedOnADualStackListener_IsWrittenAsIPv4()
    {
        var sent = await TransformAsync(TrustedProxies.None, "::ffff:203.0.113.9", Spoofed);

        Assert.Equal("203.0.113.9", Single(sent, "X-Forwarded-For"));
        Assert.Equal("203.0.113.9", Single(sent, "X-Real-IP"));
    }

    [Fact]
    public async Task TrustedPeer_IPv6InATrustedIPv6Network_IsTrusted()
    {
        var trusted = new TrustedProxies([IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("::1/128")]);

        var sent = await TransformAsync(trusted, "2001:db8::7", Spoofed);

        Assert.Equal("198.51.100.1, 10.9.9.9, 2001:db8::7", Single(sent, "X-Forwarded-For"));
        Assert.Equal("198.51.100.1", Single(sent, "X-Real-IP"));
    }

    [Fact]
    public async Task UntrustedPeer_IPv6OutsideTheTrustedNetworks_IsTreatedAsTheClient()
    {
        var trusted = new TrustedProxies([IPNetwork.Parse("2001:db8::/32")]);

        var sent = await TransformAsync(trusted, "2001:db9::7", Spoofed);

        Assert.Equal("2001:db9::7", Single(sent, "X-Forwarded-For"));
        Assert.Equal("2001:db9::7", Single(sent, "X-Real-IP"));
        Assert.Equal("http", Single(sent, "X-Forwarded-Proto"));
        Assert.Equal("shop.example.test", Single(sent, "X-Forwarded-Host"));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1", true)]
    [InlineData("127.0.0.1/32", "127.0.0.1", true)]
    [InlineData("127.0.0.1/32", "127.0.0.2", false)]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.1", true)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("::1/128", "127.0.0.1", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    public void Contains_ChecksThePeerInEitherAddressFamilyForm(string network, string peer, bool expected)
    {
        Assert.Equal(expected, new TrustedProxies([IPNetwork.Parse(network)]).Contains(IPAddress.Parse(peer)));
    }

    [Fact]
    public void Contains_NoPeerAddress_IsNotTrusted()
    {
        Assert.False(TenSlashEight.Contains(null));
    }

    private static async Task<System.Net.Http.Headers.HttpRequestHeaders> TransformAsync(
        TrustedProxies trusted, string peer, (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("shop.example.test");
        context.Request.Path = "/";
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        var proxyRequest = new HttpRequestMessage();
        await new ForwardedHeadersTransformer(trusted).TransformRequestAsync(context, proxyRequest, "http://127.0.0.1:18080", CancellationToken.None);
        return proxyRequest.Headers;
    }

    private static string Single(System.Net.Http.Headers.HttpRequestHeaders headers, string name) =>
        string.Join(", ", headers.GetValues(name));
}
