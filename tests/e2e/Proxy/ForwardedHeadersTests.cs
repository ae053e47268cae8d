using System.Net;
using System.Text.Json;
using Cutover.Proxy.Forwarding;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>
/// Through the real proxy to a real backend: a client's own X-Real-IP and X-Forwarded-* are replaced from the
/// connection unless its address is one of the app's trusted_proxies, and a changed list applies to the next request.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly TrustedProxies Loopback = new([IPNetwork.Parse("127.0.0.1/32")]);

    [Fact]
    public async Task Headers_SpoofedByAnUntrustedClient_AreReplacedFromTheConnection()
    {
        await using var proxy = await ProxyHarness.StartAsync();

        var seen = await SendSpoofedAsync(proxy);

        Assert.Equal("127.0.0.1", seen["X-Real-IP"]);
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal("shop.example.test", seen["X-Forwarded-Host"]);
        Assert.False(seen.ContainsKey("Forwarded"), "a client's own Forwarded header reached the backend");
        Assert.False(seen.ContainsKey("X-Forwarded-Port"), "a client's own X-Forwarded-Port reached the backend");
    }

    [Fact]
    public async Task Headers_FromATrustedProxy_AreKept_AndThePeerIsAppendedToTheChain()
    {
        await using var proxy = await ProxyHarness.StartAsync(trusted: Loopback);

        var seen = await SendSpoofedAsync(proxy);

        Assert.Equal("198.51.100.4", seen["X-Real-IP"]);
        Assert.Equal("198.51.100.4, 127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("https", seen["X-Forwarded-Proto"]);
        Assert.Equal("www.example.test", seen["X-Forwarded-Host"]);
        Assert.Equal("for=198.51.100.4;proto=https", seen["Forwarded"]);
        Assert.Equal("443", seen["X-Forwarded-Port"]);
    }

    [Fact]
    public async Task Headers_FromATrustedProxyThatSetNone_AreAdded()
    {
        await using var proxy = await ProxyHarness.StartAsync(trusted: Loopback);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Host = "shop.example.test";

        var seen = await SendAsync(proxy, request);

        Assert.Equal("127.0.0.1", seen["X-Real-IP"]);
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal("shop.example.test", seen["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task TrustedProxies_ChangedOnARunningApp_ApplyToTheNextRequest()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        Assert.Equal("127.0.0.1", (await SendSpoofedAsync(proxy))["X-Real-IP"]);
        var config = proxy.Router.GetConfig(ProxyHarness.App);

        await proxy.Router.UpsertAsync(config with { TrustedProxies = Loopback });
        Assert.Equal("198.51.100.4", (await SendSpoofedAsync(proxy))["X-Real-IP"]);

        await proxy.Router.UpsertAsync(config with { TrustedProxies = TrustedProxies.None });
        Assert.Equal("127.0.0.1", (await SendSpoofedAsync(proxy))["X-Real-IP"]);
        Assert.Equal("blue", await proxy.Client.GetStringAsync("/"));
    }

    private static async Task<Dictionary<string, string>> SendSpoofedAsync(ProxyHarness proxy)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Host = "shop.example.test";
        request.Headers.Add("X-Real-IP", "198.51.100.4");
        request.Headers.Add("X-Forwarded-For", "198.51.100.4");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "www.example.test");
        request.Headers.Add("X-Forwarded-Port", "443");
        request.Headers.Add("Forwarded", "for=198.51.100.4;proto=https");
        return await SendAsync(proxy, request);
    }

    private static async Task<Dictionary<string, string>> SendAsync(ProxyHarness proxy, HttpRequestMessage request)
    {
        using var response = await proxy.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return new Dictionary<string, string>(
            JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!,
            StringComparer.OrdinalIgnoreCase);
    }
}
