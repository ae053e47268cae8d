using System.Net;
using System.Text.Json;
using Cutover.Proxy.Draining;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>Weighted routing between the two slots, with and without the sticky cookie, through a real listener.</summary>
public sealed class SplitTests : IAsyncLifetime
{
    private const string CookieName = "cutover_slot_" + ProxyHarness.App;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHarness.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Split_TwentyPercent_OverFiveHundredRequests_LandsAFifthOnTheCanary()
    {
        _proxy.Router.Split(ProxyHarness.App, new RouteSplit(Slot.Blue, Slot.Green, 20, Sticky: false));

        // Four clients at once, as a browser's parallel connections would come.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var got = new List<string>();
            for (var i = 0; i < 125; i++)
            {
                using var response = await _proxy.Client.GetAsync("/");
                Assert.False(response.Headers.Contains("Set-Cookie"));
                got.Add(await response.Content.ReadAsStringAsync());
            }

            return got;
        }));

        var green = answers.SelectMany(a => a).Count(a => a == "green");
        // The share is counted, not drawn: exactly 100 here; the tolerance only allows for another way of choosing.
        Assert.InRange(green, 95, 105);
        Assert.Equal(500 - green, answers.SelectMany(a => a).Count(a => a == "blue"));
        var telemetry = _proxy.Router.GetTelemetry(ProxyHarness.App);
        Assert.Equal(green, telemetry.Green.Requests);
        Assert.Equal(500 - green, telemetry.Blue.Requests);
        var snapshot = _proxy.Router.GetSnapshot(ProxyHarness.App);
        Assert.Equal(new RouteSplit(Slot.Blue, Slot.Green, 20, false), snapshot.Split);
        Assert.Equal(Slot.Blue, snapshot.ActiveSlot);
    }

    [Fact]
    public async Task StickySplit_KeepsEachClientOnTheSlotItFirstGot_OverFiftyRequests()
    {
        _proxy.Router.Split(ProxyHarness.App, new RouteSplit(Slot.Blue, Slot.Green, 20, Sticky: true));

        var firstSlots = new List<string>();
        for (var client = 0; client < 10; client++)
        {
            using var first = await _proxy.Client.GetAsync("/");
            var slot = await first.Content.ReadAsStringAsync();
            var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
            Assert.Equal($"{CookieName}={slot}; path=/; samesite=lax; httponly", setCookie);
            firstSlots.Add(slot);

            for (var i = 0; i < 50; i++)
            {
                using var again = await GetWithCookie("/", $"{CookieName}={slot}");
                Assert.Equal(slot, await again.Content.ReadAsStringAsync());
                Assert.False(again.Headers.Contains("Set-Cookie"), "a kept client is not told its slot again");
            }
        }

        // New clients alone make up the share: 2 of 10 on the canary, however many requests the kept ones sent.
        Assert.Equal(2, firstSlots.Count(s => s == "green"));
    }

    [Fact]
    public async Task StickySplit_GarbageCookie_IsReplaced_AndTheBackendKeepsItsOwnCookies()
    {
        _proxy.Router.Split(ProxyHarness.App, new RouteSplit(Slot.Blue, Slot.Green, 100, Sticky: true));

        using var response = await GetWithCookie("/cookies", $"session=abc; {CookieName}=green%0d%0aSet-Cookie:%20x=1");

        Assert.Equal("green", Assert.Single(response.Headers.GetValues("X-Backend")));
        var cookies = response.Headers.GetValues("Set-Cookie").ToArray();
        Assert.Equal(3, cookies.Length);
        Assert.Contains($"{CookieName}=green; path=/; samesite=lax; httponly", cookies);
        Assert.Contains("session=abc123; Path=/; HttpOnly", cookies);
        Assert.Contains("theme=dark; Path=/", cookies);
    }

    [Fact]
    public async Task StickySplit_TheCookieReachesTheBackendUnchanged()
    {
        _proxy.Router.Split(ProxyHarness.App, new RouteSplit(Slot.Blue, Slot.Green, 50, Sticky: true));

        using var response = await GetWithCookie("/headers", $"session=abc; {CookieName}=blue");

        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"session=abc; {CookieName}=blue", headers["Cookie"]);
    }

    [Fact]
    public async Task Route_EndsTheSplit_AndTheCookieIsNeitherHonouredNorSet()
    {
        _proxy.Router.Split(ProxyHarness.App, new RouteSplit(Slot.Blue, Slot.Green, 50, Sticky: true));
        using (var during = await GetWithCookie("/", $"{CookieName}=green"))
        {
            Assert.Equal("green", await during.Content.ReadAsStringAsync());
        }

        _proxy.Router.Switch(ProxyHarness.App, Slot.Blue);

        for (var i = 0; i < 50; i++)
        {
            using var after = await GetWithCookie("/", $"{CookieName}=green");
            Assert.Equal("blue", await after.Content.ReadAsStringAsync());
            Assert.False(after.Headers.Contains("Set-Cookie"));
        }

        Assert.Null(_proxy.Router.GetSnapshot(ProxyHarness.App).Split);
    }

    [Fact]
    public async Task Split_CountsInFlightPerSlot_RefusesToDrainASlotWithAShare_AndDrainsItOnceRoutedAway()
    {
        _proxy.Router.Split(ProxyHarness.App, new RouteSplit(Slot.Blue, Slot.Green, 50, Sticky: false));
        var slow = Enumerable.Range(0, 6).Select(_ => _proxy.Client.GetStringAsync("/slow?ms=1500")).ToArray();
        await SwitchingTests.WaitFor(() => _proxy.Router.GetSnapshot(ProxyHarness.App) is { Blue.Requests: 3, Green.Requests: 3 });

        // Refused before any waiting: the guard throws on the call, not in the task.
        var refused = Assert.Throws<InvalidOperationException>(void () =>
            _ = _proxy.Router.DrainAsync(ProxyHarness.App, Slot.Green, new DrainTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5))));
        Assert.Contains("still gets a share", refused.Message);

        _proxy.Router.Switch(ProxyHarness.App, Slot.Blue);
        var drain = _proxy.Router.DrainAsync(ProxyHarness.App, Slot.Green, new DrainTimeouts(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)));
        Assert.False(drain.IsCompleted);

        var answers = await Task.WhenAll(slow);
        Assert.Equal(3, answers.Count(a => a == "green"));
        var result = await drain.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.Clean);
        Assert.Equal(new TrafficCounts(0, 0), _proxy.Router.GetSnapshot(ProxyHarness.App).Green);
    }

    private async Task<HttpResponseMessage> GetWithCookie(string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await _proxy.Client.SendAsync(request);
    }
}
