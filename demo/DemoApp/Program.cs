// The demo application Cutover's sample config and end-to-end tests deploy: small, but with every kind of
// traffic a drain has to handle (quick requests, slow requests, server-sent events, WebSockets).
using System.Net.WebSockets;

var version = Environment.GetEnvironmentVariable("DEMO_VERSION") ?? "dev";
var health = Environment.GetEnvironmentVariable("DEMO_HEALTH") ?? "ok";
var greeting = Environment.GetEnvironmentVariable("DEMO_GREETING");
// A bad release for canary analysis and the post-switch watch: from this long after start, "/" answers 500 while
// /health stays healthy, as a release that passes its health check and then fails real requests does.
var breaksAfter = int.TryParse(Environment.GetEnvironmentVariable("DEMO_BREAK_AFTER_MS"), out var breakMs) && breakMs >= 0
    ? TimeSpan.FromMilliseconds(breakMs)
    : (TimeSpan?)null;
var started = System.Diagnostics.Stopwatch.StartNew();
if (int.TryParse(Environment.GetEnvironmentVariable("DEMO_START_DELAY_MS"), out var startDelay) && startDelay > 0)
{
    await Task.Delay(startDelay);
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://0.0.0.0:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
var stopping = app.Lifetime.ApplicationStopping;
app.UseWebSockets();

// One plain line per request on stdout: what an operator sees in Cutover's container logs.
app.Use(async (context, next) =>
{
    await next(context);
    Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Response.StatusCode}");
});
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"demo {version} listening (health: {health})"));
app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine($"demo {version} stopping"));

app.MapGet("/", (HttpResponse response) =>
{
    response.Headers["X-Demo-Version"] = version;
    if (breaksAfter is { } after && started.Elapsed >= after)
    {
        return Results.Text($"demo {version} is broken\n", statusCode: 500);
    }

    return Results.Text($"demo {version}\n" + (greeting is null ? string.Empty : greeting + "\n"));
});

app.MapGet("/health", async (CancellationToken ct) => health switch
{
    "fail" => Results.Text("unhealthy\n", statusCode: 500),
    "slow" => await Delayed(TimeSpan.FromSeconds(5), ct),
    _ => Results.Text("ok\n"),
});

app.MapGet("/slow", async (int? ms, CancellationToken ct) =>
{
    var wait = Math.Clamp(ms ?? 1000, 0, 120_000);
    await Task.Delay(wait, ct);
    return $"slow {version} {wait}\n";
});

// Ends the process as a crash would, once the answer is out: what self-healing tests make crash-loop.
app.MapPost("/crash", (HttpResponse response) =>
{
    response.OnCompleted(() =>
    {
        // A moment later, so that the answer reaches the caller before the process goes.
        _ = Task.Run(async () =>
        {
            await Task.Delay(200);
            Console.WriteLine($"demo {version} crashing on request");
            Environment.Exit(3);
        });
        return Task.CompletedTask;
    });
    return $"crashing {version}\n";
});

app.MapGet("/headers", (HttpRequest request) =>
    Results.Json(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())));

app.MapGet("/sse", async (HttpResponse response, int? count, int? intervalMs, CancellationToken ct) =>
{
    response.ContentType = "text/event-stream";
    for (var i = 1; i <= Math.Clamp(count ?? 5, 1, 1000); i++)
    {
        await response.WriteAsync($"data: {version} {i}\n\n", ct);
        await response.Body.FlushAsync(ct);
        await Task.Delay(Math.Clamp(intervalMs ?? 500, 0, 60_000), ct);
    }
});

app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    // Observe shutdown too: an echo loop that ignores it would hold SIGTERM off until Docker's SIGKILL.
    using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
    var buffer = new byte[16 * 1024];
    try
    {
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, done.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, done.Token);
        }
    }
    catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
    {
    }
});

app.Run();

static async Task<IResult> Delayed(TimeSpan wait, CancellationToken ct)
{
    await Task.Delay(wait, ct);
    return Results.Text("ok\n");
}
