using System.Net;
using System.Net.Sockets;
using Cutover.Proxy;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.E2E.Proxy;

public sealed class ListenerTests : IAsyncLifetime
{
    private readonly ServiceProvider _services = ProxyHarness.CreateServices();
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero });
    private TestBackend _shop = null!;
    private TestBackend _blog = null!;

    private TrafficRouter Router => _services.GetRequiredService<TrafficRouter>();

    public async Task InitializeAsync()
    {
        _shop = await TestBackend.StartAsync("shop");
        _blog = await TestBackend.StartAsync("blog");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _services.DisposeAsync();
        await _shop.DisposeAsync();
        await _blog.DisposeAsync();
    }

    [Fact]
    public async Task Apps_AddedMovedAndRemovedAtRuntime_LeaveTheOthersServing()
    {
        var shop = await Add("shop", LoopbackPorts.Next(), _shop);
        var blog = await Add("blog", LoopbackPorts.Next(), _blog);
        Assert.Equal("shop", await Get(shop.Listening!));
        Assert.Equal("blog", await Get(blog.Listening!));

        // Move blog to another port: shop keeps serving throughout, blog answers on its new address only.
        var blogTraffic = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal("shop", await Get(shop.Listening!));
            }
        });
        var moved = await Add("blog", LoopbackPorts.Next(), _blog);
        await blogTraffic;
        Assert.Equal("blog", await Get(moved.Listening!));
        await Assert.ThrowsAsync<HttpRequestException>(() => Get(blog.Listening!));

        await Router.RemoveAsync("blog");
        Assert.False(Router.Contains("blog"));
        await Assert.ThrowsAsync<HttpRequestException>(() => Get(moved.Listening!));
        Assert.Equal("shop", await Get(shop.Listening!));
    }

    [Fact]
    public async Task PortInUse_IsAnErrorForThatAppOnly()
    {
        var shop = await Add("shop", LoopbackPorts.Next(), _shop);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var blog = await Add("blog", taken, _blog);

        Assert.Null(blog.Listening);
        Assert.Contains($"127.0.0.1:{taken}", blog.ListenerError);
        Assert.Contains("already in use", blog.ListenerError);
        Assert.Equal("shop", await Get(shop.Listening!));

        // Once the port is free, applying the config again binds it.
        squatter.Stop();
        var retried = await Add("blog", taken, _blog);
        Assert.Null(retried.ListenerError);
        Assert.Equal("blog", await Get(retried.Listening!));
    }

    [Fact]
    public async Task Watch_ReportsTheSnapshotThenEachChange()
    {
        var shop = await Add("shop", LoopbackPorts.Next(), _shop);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<AppTrafficSnapshot>();
        var slow = Task.Run(async () =>
        {
            await Task.Delay(200);
            return await Get(shop.Listening!, "/slow?ms=500");
        });

        await foreach (var change in Router.WatchAsync(TimeSpan.FromMilliseconds(20), cancel.Token))
        {
            seen.Add(change);
            if (seen.Any(s => s.Blue.Requests == 1) && change.Blue.Requests == 0)
            {
                break;
            }
        }

        Assert.Equal(Slot.Blue, seen[0].ActiveSlot);
        Assert.Equal(new TrafficCounts(0, 0), seen[0].Blue);
        Assert.Equal("shop", await slow);
    }

    private async Task<AppTrafficSnapshot> Add(string app, int port, TestBackend backend)
    {
        var snapshot = await Router.UpsertAsync(new AppProxyConfig(app, new IPEndPoint(IPAddress.Loopback, port), backend.Port, LoopbackPorts.Next()));
        if (snapshot.ListenerError is null)
        {
            Router.Switch(app, Slot.Blue);
        }

        return snapshot;
    }

    private Task<string> Get(string authority, string path = "/") => _client.GetStringAsync($"http://{authority}{path}");

}
