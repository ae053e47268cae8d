using System.Net;
using System.Net.Sockets;
using System.Text;
using Cutover.Engine.Configuration;
using Cutover.Engine.Health;

namespace Cutover.Tests.Unit.Engine.Health;

/// <summary>The HTTP probe against a one-shot listener on 127.0.0.1 that records the request it gets.</summary>
public sealed class HttpHealthProbeTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpHealthProbe _probe = new(TimeProvider.System);
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(10));

    public HttpHealthProbeTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose()
    {
        _probe.Dispose();
        _bound.Dispose();
        _listener.Dispose();
    }

    [Fact]
    public async Task Check_WithHealthHost_SendsItAsTheHostHeader()
    {
        var request = AnswerOnceAsync();

        var result = await _probe.CheckAsync(Port, HealthSpec.Default with { Path = "/up", Host = "shop.example.com" }, _bound.Token);

        Assert.True(result.Healthy, result.Error);
        Assert.Contains("\r\nHost: shop.example.com\r\n", await request, StringComparison.Ordinal);
        Assert.StartsWith("GET /up HTTP/1.1\r\n", await request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutHealthHost_SendsTheSlotAddress()
    {
        var request = AnswerOnceAsync();

        await _probe.CheckAsync(Port, HealthSpec.Default, _bound.Token);

        Assert.Contains($"\r\nHost: 127.0.0.1:{Port}\r\n", await request, StringComparison.Ordinal);
    }

    /// <summary>Accepts one connection, reads its request head and answers 200; returns the head.</summary>
    private async Task<string> AnswerOnceAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync(_bound.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16_384)
        {
            var read = await stream.ReadAsync(buffer, _bound.Token);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _bound.Token);
        return head.ToString();
    }
}
