using System.Net;
using System.Net.Sockets;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;
using Cutover.Proxy;
using Cutover.Web.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Web.Composition;

/// <summary>The engine's splits and previews carried out by the real proxy (its listeners on 127.0.0.1, no backend needed).</summary>
public sealed class ProxyTrafficSwitchTests : IAsyncLifetime
{
    private const string App = "shop";
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
        .AddCutoverProxy()
        .BuildServiceProvider();

    private ProxyTrafficSwitch _traffic = null!;

    public async Task InitializeAsync()
    {
        _traffic = new ProxyTrafficSwitch(_services.GetRequiredService<TrafficRouter>(), TimeProvider.System);
        Assert.Null(await _traffic.ServeAsync(App, new IPEndPoint(IPAddress.Loopback, 0), new SlotPorts(18080, 18081), ProxySpec.Default, CancellationToken.None));
        _traffic.Route(App, Slot.Blue);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public void Split_IsShownInTheAppsTraffic_UntilRouteEndsIt()
    {
        var split = new TrafficSplit(Slot.Blue, Slot.Green, 25, Sticky: true);

        _traffic.Split(App, split);

        Assert.Equal(split, _traffic.GetTraffic(App)!.Split);
        Assert.Equal(Slot.Blue, _traffic.GetTraffic(App)!.ActiveSlot);

        _traffic.Route(App, Slot.Green);

        Assert.Null(_traffic.GetTraffic(App)!.Split);
        Assert.Equal(Slot.Green, _traffic.GetTraffic(App)!.ActiveSlot);
    }

    [Fact]
    public async Task Preview_IsShownInTheAppsTraffic_UntilStopped_AndStoppingAgainDoesNothing()
    {
        var listen = FreeLoopback();

        Assert.Null(await _traffic.PreviewAsync(App, listen, Slot.Green, CancellationToken.None));
        Assert.Equal(listen.ToString(), _traffic.GetTraffic(App)!.Preview);

        await _traffic.StopPreviewAsync(App, CancellationToken.None);

        Assert.Null(_traffic.GetTraffic(App)!.Preview);
        await _traffic.StopPreviewAsync(App, CancellationToken.None);
        await _traffic.StopPreviewAsync("blog", CancellationToken.None);
    }

    [Fact]
    public async Task Preview_OnAnAddressInUse_ReturnsWhy_InsteadOfThrowing()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var listen = (IPEndPoint)occupier.LocalEndpoint;

        var reason = await _traffic.PreviewAsync(App, listen, Slot.Green, CancellationToken.None);

        Assert.NotNull(reason);
        Assert.Contains("already in use", reason);
        Assert.Contains(listen.ToString(), reason);
        Assert.Null(_traffic.GetTraffic(App)!.Preview);
    }

    [Fact]
    public async Task Preview_OfAnAppNotServed_ReturnsWhy_InsteadOfThrowing()
    {
        var listen = FreeLoopback();

        var reason = await _traffic.PreviewAsync("blog", listen, Slot.Green, CancellationToken.None);

        Assert.Equal($"Cannot open the preview of 'blog' on {listen}: the proxy does not serve it.", reason);
    }

    private static IPEndPoint FreeLoopback()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return (IPEndPoint)probe.LocalEndpoint;
    }
}
