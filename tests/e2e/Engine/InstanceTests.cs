using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Engine;

/// <summary>Two Cutover hosts with their own databases on one Docker daemon never touch each other's containers.</summary>
[Collection(DockerCollection.Name)]
public sealed class InstanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SecondHostOnTheSameDaemon_StartsDeploysAndRestarts_WhileTheFirstKeepsServing()
    {
        var first = AppsYaml.Fresh("e2e-inst-one", DemoImages.V1);
        await using var one = await HostProcess.StartAsync(first.ToString());
        one.AssertStatus("completed", await one.WaitForAppDeploymentAsync(first.App));
        var firstContainers = await ContainersAsync(first.App);

        using var load = new CancellationTokenSource();
        var traffic = CountAnswersAsync(first.Url, load.Token);

        var second = AppsYaml.Fresh("e2e-inst-two", DemoImages.V1);
        // The second host also names an app like the first host's: its container name is taken by the other instance.
        var clash = AppsYaml.Fresh(first.App, DemoImages.V2);
        await using var two = await HostProcess.StartAsync("apps:\n" + second.Entry + "\n" + clash.Entry + "\n");
        two.AssertStatus("completed", await two.WaitForAppDeploymentAsync(second.App));
        var refused = await two.WaitForAppDeploymentAsync(clash.App);
        two.AssertStatus("failed", refused);
        Assert.Contains("taken by a container of another Cutover instance", refused.GetProperty("error").GetString());
        two.AssertStatus("completed", await two.WaitForDeploymentAsync(await two.DeployAsync(second.App, DemoImages.V2)));
        await two.KillAsync();
        await two.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));

        await load.CancelAsync();
        var (answered, failed) = await traffic;
        output.WriteLine($"the first host answered {answered} requests while the second started, deployed and restarted; {failed} failed");
        Assert.True(answered > 20, $"only {answered} requests were sent");
        Assert.Equal(0, failed);
        Assert.Equal(firstContainers, await ContainersAsync(first.App));
        Assert.StartsWith("demo v2", await new HttpClient().GetStringAsync(second.Url));
    }

    private static async Task<string> ContainersAsync(string app) =>
        (await DemoImages.RunAsync("docker", ["ps", "-a", "--no-trunc", "--filter", $"label=cutover.app={app}", "--format", "{{.ID}} {{.State}} {{.Label \"cutover.instance\"}}"])).Trim();

    /// <summary>Sends a request every 50 ms until cancelled; counts the answers and the failures.</summary>
    private static async Task<(int Answered, int Failed)> CountAnswersAsync(Uri url, CancellationToken stop)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var (answered, failed) = (0, 0);
        var bound = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && bound.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                using var response = await client.GetAsync(url, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    answered++;
                }
                else
                {
                    failed++;
                }
            }
            catch (HttpRequestException)
            {
                failed++;
            }

            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return (answered, failed);
    }
}
