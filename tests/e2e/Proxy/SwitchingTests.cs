using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using Cutover.Proxy.Draining;
using Cutover.Proxy.Routing;

namespace Cutover.Tests.E2E.Proxy;

public sealed class SwitchingTests : IAsyncLifetime
{
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHarness.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Switch_SendsTheNextRequestToTheNewSlot()
    {
        Assert.Equal("blue", await _proxy.Client.GetStringAsync("/"));

        _proxy.Router.Switch(ProxyHarness.App, Slot.Green);

        Assert.Equal("green", await _proxy.Client.GetStringAsync("/"));
        Assert.Equal(Slot.Green, _proxy.Router.GetSnapshot(ProxyHarness.App).ActiveSlot);
    }

    [Fact]
    public async Task RequestSpanningASwitch_CompletesOnTheOldSlot_AndTheDrainWaitsForIt()
    {
        var slow = _proxy.Client.GetStringAsync("/slow?ms=2000");
        await WaitFor(() => _proxy.Router.GetSnapshot(ProxyHarness.App).Blue.Requests == 1);

        _proxy.Router.Switch(ProxyHarness.App, Slot.Green);
        var drain = _proxy.Router.DrainAsync(ProxyHarness.App, Slot.Blue, new DrainTimeouts(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)));

        Assert.Equal("green", await _proxy.Client.GetStringAsync("/"));
        Assert.False(drain.IsCompleted);
        Assert.Equal("blue", await slow);
        var result = await drain.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.Clean);
    }

    [Fact]
    public async Task Drain_WebSocketIsClosedAtItsTimeout_WhileHttpDrainsAtItsOwn()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{_proxy.Address.Authority}/ws"), CancellationToken.None);
        var slow = _proxy.Client.GetStringAsync("/slow?ms=3000");
        await WaitFor(() => _proxy.Router.GetSnapshot(ProxyHarness.App).Blue == new Cutover.Proxy.Traffic.TrafficCounts(1, 1));

        _proxy.Router.Switch(ProxyHarness.App, Slot.Green);
        var started = Stopwatch.StartNew();
        var progress = new ConcurrentQueue<DrainProgress>();
        var drain = _proxy.Router.DrainAsync(
            ProxyHarness.App,
            Slot.Blue,
            new DrainTimeouts(Requests: TimeSpan.FromSeconds(8), Sockets: TimeSpan.FromSeconds(1)),
            new InlineProgress(progress.Enqueue));

        var closedAt = await ReceiveUntilClosed(socket);
        Assert.InRange(closedAt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        Assert.Equal("blue", await slow);
        var result = await drain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, result.RequestsAborted);
        Assert.Equal(1, result.SocketsAborted);
        Assert.Equal(0, result.Stragglers);
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
        Assert.Contains(progress, p => p.RequestsLeft == 1 && p.SocketsLeft == 0);

        async Task<TimeSpan> ReceiveUntilClosed(ClientWebSocket ws)
        {
            try
            {
                var buffer = new byte[256];
                while (true)
                {
                    var received = await ws.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return started.Elapsed;
                    }
                }
            }
            catch (WebSocketException)
            {
                return started.Elapsed;
            }
        }
    }

    [Fact]
    public async Task Drain_RequestPastItsTimeout_IsAbortedWithinASecond()
    {
        var slow = _proxy.Client.GetStringAsync("/slow?ms=20000");
        await WaitFor(() => _proxy.Router.GetSnapshot(ProxyHarness.App).Blue.Requests == 1);

        _proxy.Router.Switch(ProxyHarness.App, Slot.Green);
        var started = Stopwatch.StartNew();
        var result = await _proxy.Router.DrainAsync(ProxyHarness.App, Slot.Blue, new DrainTimeouts(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => slow);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.Equal(1, result.RequestsAborted);
        Assert.Equal(0, result.Stragglers);
        Assert.Equal(new Cutover.Proxy.Traffic.TrafficCounts(0, 0), _proxy.Router.GetSnapshot(ProxyHarness.App).Blue);
    }

    [Fact]
    public async Task Drain_OfTheActiveSlot_IsRefused()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _proxy.Router.DrainAsync(ProxyHarness.App, Slot.Blue, new DrainTimeouts(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))));
    }

    [Fact]
    public async Task SteadyLoad_AcrossTenSwitches_LosesNoRequest()
    {
        const int clients = 20;
        const int wanted = 2000;
        var interval = TimeSpan.FromMilliseconds(40);
        var served = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        // The load stops once the switches are done and enough requests were answered (6 s on a quiet machine),
        // not after a fixed time, so that a loaded machine sends as many; 30 s bounds it either way.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        async Task Client()
        {
            using var timer = new PeriodicTimer(interval);
            while (await WaitTick(timer, stop.Token))
            {
                try
                {
                    using var response = await _proxy.Client.GetAsync("/slow?ms=20");
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {body}");
                    }
                    else
                    {
                        served.AddOrUpdate(body, 1, (_, n) => n + 1);
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        }

        var load = Enumerable.Range(0, clients).Select(_ => Task.Run(Client)).ToArray();
        var switches = 0;
        var current = Slot.Blue;
        while (switches < 10)
        {
            await Task.Delay(450);
            var previous = current;
            current = current == Slot.Blue ? Slot.Green : Slot.Blue;
            _proxy.Router.Switch(ProxyHarness.App, current);
            switches++;
            var result = await _proxy.Router.DrainAsync(ProxyHarness.App, previous, new DrainTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
            Assert.True(result.Clean);
        }

        while (served.Values.Sum() < wanted && !stop.IsCancellationRequested)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        var total = served.Values.Sum();

        Assert.Empty(failures);
        Assert.True(total >= wanted, $"only {total} requests were sent within 30 s");
        Assert.True(served["blue"] > 0 && served["green"] > 0);
    }

    private static async Task<bool> WaitTick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal static async Task WaitFor(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "condition not met within 5 s");
            await Task.Delay(10);
        }
    }

    private sealed class InlineProgress(Action<DrainProgress> report) : IProgress<DrainProgress>
    {
        public void Report(DrainProgress value) => report(value);
    }
}
