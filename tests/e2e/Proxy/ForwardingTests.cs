using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cutover.Tests.E2E.Proxy;

public sealed class ForwardingTests : IAsyncLifetime
{
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHarness.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Get_IsAnsweredByTheActiveSlot()
    {
        Assert.Equal("blue", await _proxy.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Post_TenMegabyteBody_IsStreamedToTheBackend()
    {
        var body = TestBackend.Pattern(10 * 1024 * 1024);
        // A body of unknown length goes chunked, so nothing along the way may wait for all of it.
        using var content = new StreamContent(new MemoryStream(body));

        using var response = await _proxy.Client.PostAsync("/upload", content);

        response.EnsureSuccessStatusCode();
        Assert.Equal($"{body.Length}:{Convert.ToHexString(SHA256.HashData(body))}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_TenMegabyteBody_IsStreamedBack()
    {
        const long size = 10 * 1024 * 1024;
        using var response = await _proxy.Client.GetAsync($"/download?bytes={size}", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            total += read;
        }

        var pattern = TestBackend.Pattern(64 * 1024);
        for (long sent = 0; sent < size; sent += pattern.Length)
        {
            expected.AppendData(pattern, 0, (int)Math.Min(pattern.Length, size - sent));
        }

        Assert.Equal(size, total);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(expected.GetHashAndReset(), sha.GetHashAndReset());
    }

    [Fact]
    public async Task Headers_HostCookiesAndCustomHeaders_ArriveUnchanged_WithForwardedHeadersAdded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Host = "shop.example.test";
        request.Headers.Add("Cookie", "session=abc123; theme=dark");
        request.Headers.Add("X-Custom", "one, two");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token-value");

        using var response = await _proxy.Client.SendAsync(request);
        var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;
        seen = new Dictionary<string, string>(seen, StringComparer.OrdinalIgnoreCase);

        Assert.Equal("shop.example.test", seen["Host"]);
        Assert.Equal("session=abc123; theme=dark", seen["Cookie"]);
        Assert.Equal("one, two", seen["X-Custom"]);
        Assert.Equal("Bearer token-value", seen["Authorization"]);
        // 127.0.0.1 is not a trusted proxy here: the chain it made up is replaced (ForwardedHeadersTests has more).
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal("shop.example.test", seen["X-Forwarded-Host"]);
        Assert.Equal("127.0.0.1", seen["X-Real-IP"]);
    }

    [Fact]
    public async Task ResponseHeadersAndSetCookie_ComeBackUnchanged()
    {
        using var response = await _proxy.Client.GetAsync("/cookies");

        Assert.Equal(["session=abc123; Path=/; HttpOnly", "theme=dark; Path=/"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("blue", response.Headers.GetValues("X-Backend").Single());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task ServerSentEvents_AreStreamedWithoutBuffering()
    {
        using var response = await _proxy.Client.GetAsync("/sse", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);

        // The backend holds its second event until the test has seen the first one through the proxy.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("data: first", first);
        _proxy.Blue.SseGate.SetResult();

        await reader.ReadLineAsync();
        Assert.Equal("data: second", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task WebSocket_EchoesTextAndBinaryBothWays()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{_proxy.Address.Authority}/ws"), CancellationToken.None);

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("hello", Encoding.UTF8.GetString(buffer, 0, received.Count));

        byte[] binary = [1, 2, 3, 250];
        await socket.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
        received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Binary, received.MessageType);
        Assert.Equal(binary, buffer[..received.Count]);

        Assert.Equal(new Cutover.Proxy.Traffic.TrafficCounts(0, 1), _proxy.Router.GetSnapshot(ProxyHarness.App).Blue);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task KeepAlive_ManyRequestsReuseOneClientConnection()
    {
        for (var i = 0; i < 50; i++)
        {
            using var response = await _proxy.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version11, response.Version);
        }
    }
}
