using System.Net;
using Cutover.Proxy;
using Cutover.Proxy.Forwarding;
using Cutover.Proxy.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>A real proxy on a dynamic 127.0.0.1 port in front of two real backends, one per slot.</summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    public const string App = "shop";

    private readonly ServiceProvider _services;

    private ProxyHarness(ServiceProvider services, TrafficRouter router, TestBackend blue, TestBackend green, Uri address)
    {
        _services = services;
        Router = router;
        Blue = blue;
        Green = green;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public TrafficRouter Router { get; }

    /// <summary>The proxy's container (its meter factory, for tests that listen to the metrics).</summary>
    public IServiceProvider Services => _services;

    public TestBackend Blue { get; }

    public TestBackend Green { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static ServiceProvider CreateServices() =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddCutoverProxy()
            .BuildServiceProvider();

    /// <summary>Starts both backends and the proxy, routing to blue.</summary>
    /// <param name="idleTimeout">The app's proxy.idle_timeout; null is apps.yaml's default, none.</param>
    /// <param name="trusted">The app's proxy.trusted_proxies; null is apps.yaml's default, nobody.</param>
    public static async Task<ProxyHarness> StartAsync(Slot? active = Slot.Blue, TimeSpan? idleTimeout = null, TrustedProxies? trusted = null)
    {
        var blue = await TestBackend.StartAsync("blue");
        var green = await TestBackend.StartAsync("green");
        var services = CreateServices();
        var router = services.GetRequiredService<TrafficRouter>();
        var config = new AppProxyConfig(App, new IPEndPoint(IPAddress.Loopback, 0), blue.Port, green.Port, idleTimeout)
        {
            TrustedProxies = trusted ?? TrustedProxies.None,
        };
        var snapshot = await router.UpsertAsync(config);
        Assert.Null(snapshot.ListenerError);
        router.Switch(App, active);
        return new ProxyHarness(services, router, blue, green, new Uri($"http://{snapshot.Listening}/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _services.DisposeAsync();
        await Blue.DisposeAsync();
        await Green.DisposeAsync();
    }
}
