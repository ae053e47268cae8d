using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cutover.Proxy.Routing;

namespace Cutover.Tests.E2E.Proxy;

public sealed class FailureTests
{
    [Fact]
    public async Task NoActiveSlot_Answers503AtOnce()
    {
        await using var proxy = await ProxyHarness.StartAsync(active: null);
        await WarmUp(proxy);

        var watch = Stopwatch.StartNew();
        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("no healthy backend for 'shop'", await response.Content.ReadAsStringAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"503 took {watch.Elapsed}");
    }

    [Fact]
    public async Task BackendRefusing_Answers502WithinASecond()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        var deadPort = LoopbackPorts.Next();
        await proxy.Router.UpsertAsync(new AppProxyConfig(ProxyHarness.App, new IPEndPoint(IPAddress.Loopback, proxy.Address.Port), deadPort, proxy.Green.Port));

        await WarmUp(proxy);

        var watch = Stopwatch.StartNew();
        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("blue slot of 'shop' did not answer", await response.Content.ReadAsStringAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"502 took {watch.Elapsed}");
    }

    [Fact]
    public async Task BackendDyingMidRequest_Answers502WithinASecond()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        await WarmUp(proxy);

        var watch = Stopwatch.StartNew();
        using var response = await proxy.Client.GetAsync("/die");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"502 took {watch.Elapsed}");
        Assert.Equal("blue", await proxy.Client.GetStringAsync("/"));
    }

    /// <summary>Times the failure, not the first request's JIT compilation of the client and the proxy.</summary>
    private static async Task WarmUp(ProxyHarness proxy)
    {
        using var response = await proxy.Client.GetAsync("/headers");
    }
}
