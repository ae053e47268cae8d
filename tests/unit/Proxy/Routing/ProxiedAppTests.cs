using System.Net;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;

namespace Cutover.Tests.Unit.Proxy.Routing;

public class ProxiedAppTests
{
    private static readonly AppProxyConfig Config = new("shop", new IPEndPoint(IPAddress.Loopback, 8080), 18080, 18081);

    [Fact]
    public void NewApp_RoutesNowhere()
    {
        var app = new ProxiedApp(Config, new ChangeSignal(), TestTelemetry.For(Config.App));
        Assert.Null(app.Route.Active);
    }

    [Fact]
    public void Switch_ReplacesTheRouteAtomically()
    {
        var app = new ProxiedApp(Config, new ChangeSignal(), TestTelemetry.For(Config.App));
        app.Switch(Slot.Blue);
        var before = app.Route;

        app.Switch(Slot.Green);

        Assert.Same(app.Blue, before.Active);
        Assert.Same(app.Green, app.Route.Active);
        Assert.NotSame(before, app.Route);
    }

    [Fact]
    public void Switch_ToNull_RoutesNowhere()
    {
        var app = new ProxiedApp(Config, new ChangeSignal(), TestTelemetry.For(Config.App));
        app.Switch(Slot.Blue);
        app.Switch(null);
        Assert.Null(app.Route.Active);
    }

    [Fact]
    public void Switch_SignalsTheRouter()
    {
        var signal = new ChangeSignal();
        var app = new ProxiedApp(Config, signal, TestTelemetry.For(Config.App));
        var next = signal.NextAsync();

        app.Switch(Slot.Green);

        Assert.True(next.IsCompleted);
    }

    [Fact]
    public void Reconfigure_NewSlotPort_GetsAFreshTargetAndKeepsTheActiveSlot()
    {
        var app = new ProxiedApp(Config, new ChangeSignal(), TestTelemetry.For(Config.App));
        app.Switch(Slot.Blue);
        var oldBlue = app.Blue;
        var green = app.Green;

        app.Reconfigure(Config with { BluePort = 28080 });

        Assert.NotSame(oldBlue, app.Blue);
        Assert.Same(green, app.Green);
        Assert.Equal(28080, app.Route.Active!.Port);
    }
}
