using System.Diagnostics;
using System.Text.Json;

namespace Cutover.Tests.E2E.Engine;

[Collection(DockerCollection.Name)]
public sealed class RecoveryTests
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task KillDuringADeployment_Restart_ServesAtOnce_AndRollsTheDeploymentBack()
    {
        // A long start grace holds the deployment in health_checking long enough to kill the host there.
        var app = AppsYaml.Fresh("e2e-crash", DemoImages.V1) with { Health = "{ path: /health, interval: 250ms, healthy_after: 2, start_grace: 20s, deadline: 40s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        await WaitForStatusAsync(host, id, "health_checking");

        await host.KillAsync();
        var restarted = Stopwatch.StartNew();
        await host.StartAsync();
        var body = await _client.GetStringAsync(app.Url);
        var servedAfter = restarted.Elapsed;

        Assert.StartsWith("demo v1", body);
        Assert.True(servedAfter < TimeSpan.FromSeconds(10), $"served {servedAfter} after the restart began");
        var deployment = await host.WaitForDeploymentAsync(id);
        host.AssertStatus("rolled_back", deployment);
        Assert.Contains("interrupted by a restart", deployment.GetProperty("error").GetString());

        // Every container left is one the host knows: the active blue one running, the green one stopped.
        var containers = await DemoImages.RunAsync("docker", ["ps", "-a", "--filter", $"label=cutover.app={app.App}", "--format", "{{.Names}} {{.State}}"]);
        Assert.Equal([$"cutover-{app.App}-blue running", $"cutover-{app.App}-green exited"], containers.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task InvalidEdit_KeepsTheLastGoodConfigServing_AndAValidEditAppliesWithoutRestart()
    {
        var app = AppsYaml.Fresh("e2e-reload", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        await File.WriteAllTextAsync(host.AppsFile, app.ToString().Replace("pull: never", "pull: sometimes"));
        await WaitForOutputAsync(host, "Refused the edit");

        Assert.Contains("pull", host.Output);
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));

        var second = AppsYaml.Fresh("e2e-reload-two", DemoImages.V2);
        await File.WriteAllTextAsync(host.AppsFile, "apps:\n" + app.Entry + "\n" + second.Entry + "\n");
        var deployment = await host.WaitForAppDeploymentAsync(second.App);

        host.AssertStatus("completed", deployment);
        Assert.StartsWith("demo v2", await _client.GetStringAsync(second.Url));
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));
    }

    private static async Task WaitForStatusAsync(HostProcess host, long id, string status)
    {
        var deadline = Stopwatch.StartNew();
        while ((await host.GetJsonAsync($"api/deployments/{id}")).GetProperty("status").GetString() != status)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"deployment {id} never reached {status}");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForOutputAsync(HostProcess host, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (!host.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"the host never logged '{text}':{Environment.NewLine}{host.Output}");
            await Task.Delay(50);
        }
    }
}
