using System.Collections.Concurrent;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cutover.Tests.E2E.Api;

/// <summary>The SignalR hub other programs watch: deployment steps, health checks and drain progress as they happen.</summary>
[Collection(DockerCollection.Name)]
public sealed class EventsHubTests
{
    private const string Token = "watcher-0123456789abcdef0123456789";

    [Fact]
    public async Task Hub_StreamsADeploymentsStepsHealthAndDrain_ToATokenHolder()
    {
        var app = AppsYaml.Fresh("e2e-hub", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:Tokens:0:Name=watcher", $"--Cutover:Api:Tokens:0:Token={Token}");
        host.Api.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        await host.WaitForAppDeploymentAsync(app.App);

        var seen = new ConcurrentQueue<(string Name, JsonElement Payload)>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{host.AdminPort}/hubs/events", o => o.AccessTokenProvider = () => Task.FromResult<string?>(Token))
            .Build();
        foreach (var name in new[] { "deployment", "health", "drain", "pull" })
        {
            hub.On<JsonElement>(name, payload =>
            {
                seen.Enqueue((name, payload));
                if (name == "deployment" && payload.GetProperty("status").GetString() == "completed")
                {
                    completed.TrySetResult();
                }
            });
        }

        await hub.StartAsync();
        await host.DeployAsync(app.App, DemoImages.V2);
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var names = seen.Select(e => e.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "deployment", "health", "drain" }, names);
        var steps = seen.Where(e => e.Name == "deployment").Select(e => e.Payload.GetProperty("status").GetString()).ToList();
        Assert.Equal(["queued", "pulling", "starting", "health_checking", "switching", "draining", "completed"], steps);
        Assert.All(seen, e => Assert.Equal(app.App, e.Payload.GetProperty("app").GetString()));
    }

    [Fact]
    public async Task Hub_RefusesAConnectionWithoutTheToken()
    {
        var app = AppsYaml.Fresh("e2e-hub-denied", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:Tokens:0:Name=watcher", $"--Cutover:Api:Tokens:0:Token={Token}");
        await using var hub = new HubConnectionBuilder().WithUrl($"http://127.0.0.1:{host.AdminPort}/hubs/events").Build();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
