using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Cutover.Tests.E2E.Runtime;

namespace Cutover.Tests.E2E.Engine;

[Collection(DockerCollection.Name)]
public sealed class DockerAccessTests
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task PullPolicyAlways_PullsEachImageFromALocalRegistry()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var v1 = $"{registry.Address}/cutover-demo:v1";
        var v2 = $"{registry.Address}/cutover-demo:v2";
        foreach (var (local, remote) in new[] { (DemoImages.V1, v1), (DemoImages.V2, v2) })
        {
            await DemoImages.RunAsync("docker", ["tag", local, remote]);
            await DemoImages.RunAsync("docker", ["push", remote]);
            await DemoImages.RunAsync("docker", ["rmi", remote]);
        }

        var app = AppsYaml.Fresh("e2e-pull", v1) with { Pull = "always" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        var first = await host.WaitForAppDeploymentAsync(app.App);
        var id = await host.DeployAsync(app.App, v2);
        var second = await host.WaitForDeploymentAsync(id);

        foreach (var (deployment, image) in new[] { (first, v1), (second, v2) })
        {
            host.AssertStatus("completed", deployment);
            Assert.Contains(deployment.GetProperty("steps").EnumerateArray(), s => s.GetProperty("message").GetString() == $"pulling {image} (policy 'always')");
        }

        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
    }

    [Fact]
    public async Task DockerUnreachable_ProxyKeepsServing_DeploymentsFailFast_AndTheEngineReconnects()
    {
        var app = AppsYaml.Fresh("e2e-nodocker", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        await host.KillAsync();

        // Docker "goes away": the host now talks to a socket nothing listens on.
        var socket = Path.Combine(host.Folder, "docker.sock");
        await host.StartAsync($"--Cutover:Docker=unix://{socket}");

        // Before reconciliation a change is refused at once, saying what the engine waits for (it would race it).
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));
        var started = Stopwatch.StartNew();
        using (var refused = await host.Api.PostAsJsonAsync($"api/apps/{app.App}/deployments", new { image = DemoImages.V2 }))
        {
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"answered {(int)refused.StatusCode}: {problem}");
            Assert.Contains("waiting for Docker", problem);
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {started.Elapsed}");
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));

        // Docker "comes back" on that socket: the engine reconciles by itself and deploys again.
        using var relay = Process.Start("socat", [$"UNIX-LISTEN:{socket},fork", "UNIX-CONNECT:/var/run/docker.sock"])!;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!host.Output.Contains("Reconciled state with Docker", StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"no reconciliation after Docker returned:{Environment.NewLine}{host.Output}");
                await Task.Delay(100);
            }

            var deployed = await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V2));
            host.AssertStatus("completed", deployed);
            Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        }
        finally
        {
            // With its forked children, which hold the engine's open connections.
            relay.Kill(entireProcessTree: true);
        }

        // Docker "goes away" again while the host runs: a deployment fails fast and the proxy keeps serving.
        started.Restart();
        var failed = await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V1));
        host.AssertStatus("failed", failed);
        Assert.Contains("Docker Engine is not reachable", failed.GetProperty("error").GetString());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"failing took {started.Elapsed}");
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
    }

    [Fact]
    public async Task DockerLostWhileRunning_WhenItComesBack_ReconcilesAgain_AndRestoresTheDeployedImage()
    {
        var app = AppsYaml.Fresh("e2e-reconnect", DemoImages.V1);
        var host = await HostProcess.CreateAsync(app.ToString());
        await using var _ = host;
        var socket = Path.Combine(host.Folder, "docker.sock");
        var relay = StartRelay(socket);
        try
        {
            await host.StartAsync($"--Cutover:Docker=unix://{socket}");
            await host.WaitForAppDeploymentAsync(app.App);
            host.AssertStatus("completed", await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V2)));
            var serving = (await DemoImages.RunAsync("docker", ["ps", "-q", "--filter", $"label=cutover.app={app.App}", "--filter", "status=running"])).Trim();

            // Docker goes away (the relay and every connection through it), and meanwhile the serving container is removed.
            relay.Kill(entireProcessTree: true);
            await relay.WaitForExitAsync();
            await WaitForOutputAsync(host, "Lost Docker's container events");
            await DemoImages.RunAsync("docker", ["rm", "-f", serving]);

            relay = StartRelay(socket);
            await WaitForOutputAsync(host, "Docker is back: reconciled state with it");
            var deadline = Stopwatch.StartNew();
            while (await TryGetAsync(app.Url) is not { } body || !body.StartsWith("demo v2", StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"demo v2 not served again after Docker came back:{Environment.NewLine}{host.Output}");
                await Task.Delay(100);
            }
        }
        finally
        {
            relay.Kill(entireProcessTree: true);
        }
    }

    private static Process StartRelay(string socket)
    {
        File.Delete(socket);
        return Process.Start("socat", [$"UNIX-LISTEN:{socket},fork", "UNIX-CONNECT:/var/run/docker.sock"])!;
    }

    private async Task<string?> TryGetAsync(Uri url)
    {
        try
        {
            return await _client.GetStringAsync(url);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForOutputAsync(HostProcess host, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (!host.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"the host never logged '{text}':{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }
    }
}
