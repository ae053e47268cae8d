using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>The proxy's traffic figures against real Kestrel backends: exact counts, the proxy's own errors apart, bytes, sockets.</summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHarness.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Answers_AreCountedByExactStatus_AndABackends502IsNotAProxyError()
    {
        foreach (var path in new[] { "/", "/", "/", "/nothing-here", "/nothing-either", "/status/500", "/status/502" })
        {
            using var response = await _proxy.Client.GetAsync(path);
        }

        var blue = await BlueOnceSettledAsync(s => s.Requests == 7);

        Assert.Equal(new StatusClassCounts(0, 3, 0, 2, 2), blue.Classes);
        Assert.Equal(new Dictionary<int, long> { [200] = 3, [404] = 2, [500] = 1, [502] = 1 }, blue.Codes);
        Assert.Equal(0, blue.ProxyErrors.Total);
        Assert.Equal(0, blue.Aborted);
        Assert.Equal(7, blue.LastMinute.Count);
        Assert.InRange(blue.LastMinute.P50Ms, 0.001, 5_000);
        Assert.True(blue.LastMinute.P50Ms <= blue.LastMinute.P95Ms && blue.LastMinute.P95Ms <= blue.LastMinute.P99Ms, $"{blue.LastMinute}");
        Assert.Equal(0, _proxy.Router.GetTelemetry(ProxyHarness.App).Green.Requests);
    }

    [Fact]
    public async Task BackendDown_Is502CountedAsAProxyError_AndNoSlotIsA503OfTheApp()
    {
        var deadPort = LoopbackPorts.Next();
        await _proxy.Router.UpsertAsync(new AppProxyConfig(ProxyHarness.App, new IPEndPoint(IPAddress.Loopback, _proxy.Address.Port), deadPort, _proxy.Green.Port));
        using (var refused = await _proxy.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        }

        _proxy.Router.Switch(ProxyHarness.App, null);
        using (var unrouted = await _proxy.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unrouted.StatusCode);
        }

        var blue = await BlueOnceSettledAsync(s => s.Requests == 1);
        Assert.Equal(new ProxyErrorCounts(1, 0, 0, 0), blue.ProxyErrors);
        Assert.Equal(new Dictionary<int, long> { [502] = 1 }, blue.Codes);
        Assert.Equal(1, blue.Classes.ServerError);
        Assert.Equal(1, _proxy.Router.GetTelemetry(ProxyHarness.App).NoBackend);
    }

    [Fact]
    public async Task Bodies_AreCountedExactly_InAndOut()
    {
        var upload = TestBackend.Pattern(100_000);
        using var posted = await _proxy.Client.PostAsync("/upload", new ByteArrayContent(upload));
        var answer = await posted.Content.ReadAsByteArrayAsync();
        using var downloaded = await _proxy.Client.GetAsync("/download?bytes=250000");
        Assert.Equal(250_000, (await downloaded.Content.ReadAsByteArrayAsync()).Length);

        var blue = await BlueOnceSettledAsync(s => s.Requests == 2);

        Assert.Equal(100_000, blue.BytesIn);
        Assert.Equal(250_000 + answer.Length, blue.BytesOut);
    }

    [Fact]
    public async Task WebSocket_IsCountedOpen_ThenClosed_AsOne101()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{_proxy.Address.Authority}/ws"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.ReceiveAsync(new byte[64], CancellationToken.None);

        var open = _proxy.Router.GetTelemetry(ProxyHarness.App).Blue;
        Assert.Equal((0, 1), (open.InFlight.Requests, open.InFlight.Sockets));
        Assert.Equal(0, open.Requests);

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var closed = await BlueOnceSettledAsync(s => s.Requests == 1);

        Assert.Equal(0, closed.InFlight.Sockets);
        Assert.Equal(new Dictionary<int, long> { [101] = 1 }, closed.Codes);
        Assert.Equal(0, closed.LastMinute.Count);
    }

    [Fact]
    public async Task Metrics_ReportRequestsByCode_AndDurations_UnderTheMeterCutoverProxy()
    {
        var meters = _proxy.Services.GetRequiredService<IMeterFactory>();
        var requests = new List<(long Value, Dictionary<string, object?> Tags)>();
        var durations = new List<(double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Meter.Name == "Cutover.Proxy")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "cutover.proxy.requests")
            {
                requests.Add((value, Tags(tags)));
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "cutover.proxy.request.duration")
            {
                lock (durations)
                {
                    durations.Add((value, Tags(tags)));
                }
            }
        });
        listener.Start();

        using (var ok = await _proxy.Client.GetAsync("/")) { }
        using (var missing = await _proxy.Client.GetAsync("/nothing-here")) { }
        await BlueOnceSettledAsync(s => s.Requests == 2);
        listener.RecordObservableInstruments();

        var byCode = requests.ToDictionary(r => (int)r.Tags["code"]!, r => r.Value);
        Assert.Equal(new Dictionary<int, long> { [200] = 1, [404] = 1 }, byCode);
        Assert.All(requests, r => Assert.Equal(("shop", "blue"), ((string)r.Tags["app"]!, (string)r.Tags["slot"]!)));
        Assert.Equal("4xx", requests.Single(r => (int)r.Tags["code"]! == 404).Tags["class"]);
        lock (durations)
        {
            Assert.Equal(["2xx", "4xx"], durations.Select(d => (string)d.Tags["class"]!).Order());
            Assert.All(durations, d => Assert.InRange(d.Value, 0, 5));
        }
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            all[tag.Key] = tag.Value;
        }

        return all;
    }

    /// <summary>The client can read an answer a moment before the proxy counts it: wait (bounded) for the count.</summary>
    private async Task<SlotTelemetrySnapshot> BlueOnceSettledAsync(Func<SlotTelemetrySnapshot, bool> settled)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var blue = _proxy.Router.GetTelemetry(ProxyHarness.App).Blue;
            if ((settled(blue) && blue.InFlight.Requests == 0) || deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                return blue;
            }

            await Task.Delay(20);
        }
    }
}
