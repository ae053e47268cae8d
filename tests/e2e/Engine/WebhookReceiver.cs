using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cutover.Tests.E2E.Engine;

/// <summary>A webhook receiver on 127.0.0.1 (a real Kestrel), answering from a script and checking every signature itself.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/hooks/cutover";
    }

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <param name="answer">The status of each request's answer, in the order they come (they come one at a time).</param>
    public static async Task<WebhookReceiver> StartAsync(string secret, Func<Task<int>> answer)
    {
        var port = LoopbackPorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/hooks/cutover", async (HttpRequest request, CancellationToken ct) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            var bytes = body.ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes));
            var signature = request.Headers["X-Cutover-Signature"].ToString();
            receiver.Requests.Enqueue(new Received(DateTimeOffset.UtcNow, request.Headers["X-Cutover-Event"].ToString(), Encoding.UTF8.GetString(bytes),
                CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))));
            return Results.StatusCode(await answer());
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <param name="SignatureValid">The X-Cutover-Signature header is the HMAC-SHA256 of the exact body with the secret.</param>
    public sealed record Received(DateTimeOffset At, string Event, string Body, bool SignatureValid);
}
