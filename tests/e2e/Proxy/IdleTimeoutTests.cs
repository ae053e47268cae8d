using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>Idle WebSockets and event streams through the real proxy: kept by default, cut only by a configured idle_timeout.</summary>
public sealed class IdleTimeoutTests(ITestOutputHelper output)
{
    /// <summary>YARP's default ActivityTimeout is 100 s; ten seconds past it leaves no doubt.</summary>
    private static readonly TimeSpan PastYarpsDefault = TimeSpan.FromSeconds(110);

    [Fact]
    public async Task Proxy_IdleWebSocketAndEventStream_SurvivePastYarpsDefaultActivityTimeout()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        using var socket = await ConnectAsync(proxy);
        using var events = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.Address, "/sse?hold=300"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var stream = await events.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("data: first", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));

        // Both wait in silence together, so the test costs one idle period, not two.
        var nextEvent = reader.ReadLineAsync();
        await Task.Delay(PastYarpsDefault);

        // Check both before asserting, so a failure shows which of the two was cut.
        var streamCut = nextEvent.IsCompleted;
        proxy.Blue.SseGate.SetResult();
        var secondEvent = await Try(() => nextEvent.WaitAsync(TimeSpan.FromSeconds(5)));
        var echo = await Try(() => EchoAsync(socket, "still here"));

        Assert.Equal((false, "data: second", "still here"), (streamCut, secondEvent, echo));
    }

    [Fact]
    public async Task Proxy_ConfiguredIdleTimeout_ClosesAnIdleWebSocketAtThatTimeout()
    {
        await using var proxy = await ProxyHarness.StartAsync(idleTimeout: TimeSpan.FromSeconds(2));
        using var socket = await ConnectAsync(proxy);
        Assert.Equal("awake", await EchoAsync(socket, "awake"));
        var idleFrom = Stopwatch.StartNew();

        var ended = await Try(async () =>
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var received = await socket.ReceiveAsync(new byte[256], limit.Token);
            return received.MessageType.ToString();
        });
        var closedAfter = idleFrom.Elapsed;
        output.WriteLine($"closed after {closedAfter.TotalSeconds:0.000}s idle: {ended}");

        Assert.StartsWith("failed: WebSocketException", ended);
        Assert.InRange(closedAfter, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(4));
        Assert.Equal(new Cutover.Proxy.Traffic.TrafficCounts(0, 0), await CountsOnceSettled(proxy));
    }

    [Fact]
    public async Task Proxy_ConfiguredIdleTimeout_LeavesABusyWebSocketOpen()
    {
        await using var proxy = await ProxyHarness.StartAsync(idleTimeout: TimeSpan.FromSeconds(2));
        using var socket = await ConnectAsync(proxy);

        // Five seconds of traffic, never quiet for more than half the limit: activity keeps resetting it.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"beat {i}", await EchoAsync(socket, $"beat {i}"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal("still here", await EchoAsync(socket, "still here"));
    }

    [Fact]
    public async Task Drain_EventStreamWithNoIdleLimit_IsStillCutAtTheDrainDeadline()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        using var events = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.Address, "/sse?hold=300"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var stream = await events.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("data: first", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        var nextEvent = reader.ReadLineAsync();

        proxy.Router.Switch(ProxyHarness.App, Cutover.Proxy.Routing.Slot.Green);
        var drainFrom = Stopwatch.StartNew();
        var drain = proxy.Router.DrainAsync(
            ProxyHarness.App,
            Cutover.Proxy.Routing.Slot.Blue,
            new Cutover.Proxy.Draining.DrainTimeouts(Requests: TimeSpan.FromSeconds(1), Sockets: TimeSpan.FromSeconds(1)));
        var ended = await Try(() => nextEvent.WaitAsync(TimeSpan.FromSeconds(10)));
        var cutAfter = drainFrom.Elapsed;
        var result = await drain.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"cut after {cutAfter.TotalSeconds:0.000}s of drain: {ended ?? "end of stream"}");

        Assert.NotEqual("data: second", ended);
        Assert.InRange(cutAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5));
        Assert.Equal((1, 0, 0), (result.RequestsAborted, result.SocketsAborted, result.Stragglers));
    }

    private static async Task<Cutover.Proxy.Traffic.TrafficCounts> CountsOnceSettled(ProxyHarness proxy)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var counts = proxy.Router.GetSnapshot(ProxyHarness.App).Blue;
            if (counts.Requests + counts.Sockets == 0 || deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                return counts;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string?> Try(Func<Task<string?>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            return $"failed: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<ClientWebSocket> ConnectAsync(ProxyHarness proxy)
    {
        // No client pings either: the socket must be silent both ways for the whole wait.
        var socket = new ClientWebSocket { Options = { KeepAliveInterval = TimeSpan.Zero } };
        await socket.ConnectAsync(new Uri($"ws://{proxy.Address.Authority}/ws"), CancellationToken.None);
        return socket;
    }

    private static async Task<string?> EchoAsync(ClientWebSocket socket, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
