using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>A real Kestrel backend on 127.0.0.1 standing in for one slot's container.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(WebApplication app, string name, int port)
    {
        _app = app;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Released by the test to let /sse send its second event (it waits <c>hold</c> seconds at most, 15 by default).</summary>
    public TaskCompletionSource SseGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<TestBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        TestBackend? self = null;
        // No keep-alive pings: idle-timeout tests need a WebSocket that is truly silent.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });

        app.MapGet("/", () => name);
        app.MapGet("/status/{code:int}", (int code) => Results.Text($"{code} from {name}", statusCode: code));
        app.MapGet("/slow", async (int ms, CancellationToken ct) =>
        {
            await Task.Delay(ms, ct);
            return name;
        });
        app.MapGet("/headers", (HttpRequest request) => Results.Json(
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        app.MapGet("/cookies", (HttpResponse response) =>
        {
            response.Headers.Append("Set-Cookie", "session=abc123; Path=/; HttpOnly");
            response.Headers.Append("Set-Cookie", "theme=dark; Path=/");
            response.Headers["X-Backend"] = name;
            response.Headers.CacheControl = "no-store";
            return "cookies";
        });
        app.MapPost("/upload", async (HttpRequest request) =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }

            return $"{total}:{Convert.ToHexString(sha.GetHashAndReset())}";
        });
        app.MapGet("/download", async (long bytes, HttpResponse response) =>
        {
            response.ContentLength = bytes;
            var chunk = Pattern(64 * 1024);
            for (long sent = 0; sent < bytes; sent += chunk.Length)
            {
                await response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)));
            }
        });
        app.MapGet("/sse", async (HttpResponse response, CancellationToken ct, int hold = 15) =>
        {
            response.ContentType = "text/event-stream";
            await response.WriteAsync("data: first\n\n", ct);
            await response.Body.FlushAsync(ct);
            await self!.SseGate.Task.WaitAsync(TimeSpan.FromSeconds(hold), ct);
            await response.WriteAsync("data: second\n\n", ct);
        });
        app.MapGet("/die", (HttpContext context) => context.Abort());
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[16 * 1024];
            while (true)
            {
                WebSocketReceiveResult received;
                try
                {
                    received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                }
                catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
                {
                    return;
                }

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new TestBackend(app, name, new Uri(address).Port);
        return self;
    }

    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }

        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        SseGate.TrySetResult();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
