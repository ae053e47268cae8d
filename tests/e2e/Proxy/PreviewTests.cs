using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Cutover.Proxy.Routing;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>The preview listener: one slot on an address of its own, production routing untouched.</summary>
public sealed class PreviewTests : IAsyncLifetime
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHarness.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task Preview_ServesTheChosenSlot_WhileProductionStaysOnItsRoute()
    {
        var listen = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());

        Assert.Null(await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Green));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("green", await _client.GetStringAsync($"http://{listen}/"));
            Assert.Equal("blue", await _proxy.Client.GetStringAsync("/"));
        }

        var snapshot = _proxy.Router.GetSnapshot(ProxyHarness.App);
        Assert.Equal(listen.ToString(), snapshot.Preview);
        Assert.Equal(Slot.Green, snapshot.PreviewSlot);
        Assert.Equal(Slot.Blue, snapshot.ActiveSlot);
        var telemetry = _proxy.Router.GetTelemetry(ProxyHarness.App);
        Assert.Equal(5, telemetry.Green.Requests);
        Assert.Equal(5, telemetry.Blue.Requests);
    }

    [Fact]
    public async Task Preview_CarriesWebSockets_CountedOnItsSlot()
    {
        var listen = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());
        Assert.Null(await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Green));

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{listen}/ws"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[16];
        var received = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);

        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal(1, _proxy.Router.GetSnapshot(ProxyHarness.App).Green.Sockets);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task StopPreview_LetsTheRequestInFlightFinish_ThenRefusesConnections()
    {
        var listen = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());
        Assert.Null(await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Green));
        var inFlight = _client.GetStringAsync($"http://{listen}/slow?ms=1000");
        await SwitchingTests.WaitFor(() => _proxy.Router.GetSnapshot(ProxyHarness.App).Green.Requests == 1);

        await _proxy.Router.StopPreviewAsync(ProxyHarness.App);

        Assert.Equal("green", await inFlight);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetStringAsync($"http://{listen}/"));
        Assert.Equal(SocketError.ConnectionRefused, (refused.InnerException as SocketException)?.SocketErrorCode);
        Assert.Null(_proxy.Router.GetSnapshot(ProxyHarness.App).Preview);
        Assert.Equal("blue", await _proxy.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Preview_OnAPortInUse_ReturnsTheReason_AndProductionKeepsServing()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, LoopbackPorts.Next());
        occupier.Start();
        var listen = (IPEndPoint)occupier.LocalEndpoint;

        var reason = await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Green);

        Assert.Equal($"Cannot open the preview of 'shop': Cannot listen on {listen}: the address is already in use by another process or application.", reason);
        Assert.Null(_proxy.Router.GetSnapshot(ProxyHarness.App).Preview);
        Assert.Equal("blue", await _proxy.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Preview_AgainOnTheSameAddress_ChangesOnlyTheSlot()
    {
        var listen = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());
        Assert.Null(await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Green));

        Assert.Null(await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Blue));

        Assert.Equal("blue", await _client.GetStringAsync($"http://{listen}/"));
        Assert.Equal(Slot.Blue, _proxy.Router.GetSnapshot(ProxyHarness.App).PreviewSlot);
    }

    [Fact]
    public async Task RemovingTheApp_ClosesItsPreview()
    {
        var listen = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());
        Assert.Null(await _proxy.Router.PreviewAsync(ProxyHarness.App, listen, Slot.Green));

        await _proxy.Router.RemoveAsync(ProxyHarness.App);

        await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetStringAsync($"http://{listen}/"));
    }
}
