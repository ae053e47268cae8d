using System.Net;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;
using Microsoft.AspNetCore.Http;

namespace Cutover.Tests.Unit.Proxy.Routing;

public class SplitRoutingTests
{
    private static readonly AppProxyConfig Config = new("shop", new IPEndPoint(IPAddress.Loopback, 8080), 18080, 18081);

    private readonly ProxiedApp _app = new(Config, new ChangeSignal(), TestTelemetry.For(Config.App));

    [Fact]
    public void Split_SendsTheCanaryItsShareOfNewRequests()
    {
        _app.Switch(Slot.Blue);
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 20, Sticky: false));

        var chosen = Enumerable.Range(0, 500).Select(_ => Choose(out var cookie, null).Slot).ToArray();

        Assert.Equal(100, chosen.Count(s => s == Slot.Green));
        Assert.Equal(400, chosen.Count(s => s == Slot.Blue));
        Assert.Same(_app.Blue, _app.Route.Active);
    }

    [Fact]
    public void Split_NotSticky_NeverSetsACookie()
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 50, Sticky: false));

        for (var i = 0; i < 10; i++)
        {
            Choose(out var cookie, null);
            Assert.Null(cookie);
        }
    }

    [Fact]
    public void StickySplit_NewClient_GetsACookieNamingItsSlot()
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 20, Sticky: true));

        var slots = Enumerable.Range(0, 5).Select(_ => (Target: Choose(out var cookie, null), Cookie: cookie)).ToArray();

        Assert.All(slots, s => Assert.StartsWith($"cutover_slot_shop={s.Target.Slot.ToString().ToLowerInvariant()};", s.Cookie));
        Assert.Equal(1, slots.Count(s => s.Target.Slot == Slot.Green));
    }

    [Fact]
    public void StickySplit_ClientWithACookie_KeepsItsSlot_AndDoesNotCountInTheShare()
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 20, Sticky: true));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Slot.Green, Choose(out var cookie, "cutover_slot_shop=green").Slot);
            Assert.Null(cookie);
        }

        // Fifty kept clients later, new clients still start the share afresh: four stable, then the canary.
        var fresh = Enumerable.Range(0, 5).Select(_ => Choose(out var ignored, null).Slot).ToArray();
        Assert.Equal(new[] { Slot.Blue, Slot.Blue, Slot.Blue, Slot.Blue, Slot.Green }, fresh);
    }

    [Theory]
    [InlineData("cutover_slot_shop=purple")]
    [InlineData("cutover_slot_shop=Green")]
    [InlineData("cutover_slot_blog=green")]
    public void StickySplit_GarbageCookie_IsIgnoredAndReplaced(string header)
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 100, Sticky: true));

        var target = Choose(out var cookie, header);

        Assert.Equal(Slot.Green, target.Slot);
        Assert.StartsWith("cutover_slot_shop=green;", cookie);
    }

    [Fact]
    public void StickySplit_CookieOfASlotWithNoShare_IsReplaced()
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 0, Sticky: true));

        var target = Choose(out var cookie, "cutover_slot_shop=green");

        Assert.Equal(Slot.Blue, target.Slot);
        Assert.StartsWith("cutover_slot_shop=blue;", cookie);
    }

    [Fact]
    public void Switch_EndsTheSplit_AndTheCookieIsNeitherHonouredNorSet()
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, 50, Sticky: true));

        _app.Switch(Slot.Blue);

        Assert.Null(_app.Route.Split);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(Slot.Blue, Choose(out var cookie, "cutover_slot_shop=green").Slot);
            Assert.Null(cookie);
        }
    }

    [Fact]
    public void Split_IsANewRouteSnapshot_AndSignalsTheRouter()
    {
        var signal = new ChangeSignal();
        var app = new ProxiedApp(Config, signal, TestTelemetry.For(Config.App));
        app.Switch(Slot.Blue);
        var before = app.Route;
        var next = signal.NextAsync();

        app.Split(new RouteSplit(Slot.Blue, Slot.Green, 10, Sticky: false));

        Assert.NotSame(before, app.Route);
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public void Reconfigure_KeepsTheSplit_OnTheNewTargets()
    {
        var split = new RouteSplit(Slot.Green, Slot.Blue, 25, Sticky: true);
        _app.Split(split);

        _app.Reconfigure(Config with { BluePort = 28080 });

        Assert.Equal(split, _app.Route.Split!.Split);
        Assert.Same(_app.Blue, _app.Route.Split.Canary);
        Assert.Equal(28080, _app.Route.Split.Canary.Port);
        Assert.Same(_app.Green, _app.Route.Active);
    }

    [Theory]
    [InlineData(Slot.Blue, Slot.Blue, 10)]
    [InlineData(Slot.Blue, Slot.Green, -1)]
    [InlineData(Slot.Blue, Slot.Green, 101)]
    public void Split_Invalid_IsRefused_AndTheRouteStays(Slot stable, Slot canary, int percent)
    {
        _app.Switch(Slot.Blue);
        var before = _app.Route;

        Assert.ThrowsAny<ArgumentException>(() => _app.Split(new RouteSplit(stable, canary, percent, Sticky: false)));
        Assert.Same(before, _app.Route);
    }

    [Theory]
    [InlineData(0, false, true)]
    [InlineData(1, true, true)]
    [InlineData(99, true, true)]
    [InlineData(100, true, false)]
    public void Serves_IsEverySlotWithAShare(int percent, bool canaryServed, bool stableServed)
    {
        _app.Split(new RouteSplit(Slot.Blue, Slot.Green, percent, Sticky: false));

        Assert.Equal(canaryServed, _app.Route.Serves(Slot.Green));
        Assert.Equal(stableServed, _app.Route.Serves(Slot.Blue));
    }

    private SlotTarget Choose(out string? setCookie, string? cookieHeader)
    {
        var context = new DefaultHttpContext();
        if (cookieHeader is not null)
        {
            context.Request.Headers.Cookie = cookieHeader;
        }

        return _app.Route.Choose(context.Request, out setCookie)!;
    }
}
