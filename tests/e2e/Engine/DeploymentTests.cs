using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Cutover.Tests.E2E.Engine;

[Collection(DockerCollection.Name)]
public sealed class DeploymentTests
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task FirstStart_DeploysTheConfiguredImageToBlue_AndServesIt()
    {
        var app = AppsYaml.Fresh("e2e-first", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());

        var deployment = await host.WaitForAppDeploymentAsync(app.App);

        host.AssertStatus("completed", deployment);
        Assert.Equal("blue", deployment.GetProperty("slot").GetString());
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));
        var status = await host.GetJsonAsync($"api/apps/{app.App}");
        Assert.Equal("blue", status.GetProperty("activeSlot").GetString());
        Assert.Equal(DemoImages.V1, status.GetProperty("activeImage").GetString());
    }

    [Fact]
    public async Task Deploy_V1ToV2_UnderSteadyLoad_FailsNoRequest()
    {
        var app = AppsYaml.Fresh("e2e-load", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        var seen = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
            while (!stop.IsCancellationRequested && await timer.WaitForNextTickAsync())
            {
                try
                {
                    using var response = await _client.GetAsync(app.Url);
                    var body = (await response.Content.ReadAsStringAsync()).Trim();
                    if (response.IsSuccessStatusCode)
                    {
                        seen.AddOrUpdate(body, 1, (_, n) => n + 1);
                    }
                    else
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {body}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToArray();

        await Task.Delay(500);
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        var deployment = await host.WaitForDeploymentAsync(id);
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        host.AssertStatus("completed", deployment);
        Assert.Empty(failures);
        Assert.True(seen.GetValueOrDefault("demo v1") > 0, string.Join(", ", seen));
        Assert.True(seen.GetValueOrDefault("demo v2") > 0, string.Join(", ", seen));
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        Assert.Equal(
            ["queued", "pulling", "starting", "health_checking", "switching", "draining", "completed"],
            deployment.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Deploy_UnhealthyImage_IsRolledBack_AndV2KeepsServing()
    {
        var app = AppsYaml.Fresh("e2e-unhealthy", DemoImages.V2) with { Health = "{ path: /health, interval: 250ms, timeout: 1s, healthy_after: 2, deadline: 3s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        var id = await host.DeployAsync(app.App, DemoImages.Unhealthy);
        var deployment = await host.WaitForDeploymentAsync(id);

        host.AssertStatus("rolled_back", deployment);
        Assert.Contains("not healthy within the 3s deadline", deployment.GetProperty("error").GetString());
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        var status = await host.GetJsonAsync($"api/apps/{app.App}");
        Assert.Equal("blue", status.GetProperty("activeSlot").GetString());
        Assert.Equal(DemoImages.V2, status.GetProperty("activeImage").GetString());
    }

    [Fact]
    public async Task Drain_OpenWebSocket_IsClosedByTheHardTimeout()
    {
        var app = AppsYaml.Fresh("e2e-websocket", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{app.Listen}/ws"), CancellationToken.None);

        var id = await host.DeployAsync(app.App, DemoImages.V2);
        var closed = ReceiveUntilClosedAsync(socket);
        var deployment = await host.WaitForDeploymentAsync(id);
        var closedAt = await closed;

        var steps = deployment.GetProperty("steps").EnumerateArray().ToArray();
        var drainStarted = steps.Single(s => s.GetProperty("status").GetString() == "draining").GetProperty("at").GetDateTimeOffset();
        Assert.InRange(closedAt - drainStarted, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
        Assert.Contains("aborted 0 requests and 1 socket", steps.Last().GetProperty("message").GetString());
        host.AssertStatus("completed", deployment);
    }

    private static async Task<DateTimeOffset> ReceiveUntilClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while ((await socket.ReceiveAsync(buffer, limit.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
        }

        return DateTimeOffset.UtcNow;
    }
}
