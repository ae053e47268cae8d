using System.Net;
using System.Text.Json;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary><c>--wait</c>: progress from the deployment's events, then the outcome as the exit code.</summary>
public sealed class DeployWaitTests
{
    [Theory]
    [InlineData("completed", ExitCodes.Success)]
    [InlineData("rolled_back", ExitCodes.NotSucceeded)]
    [InlineData("failed", ExitCodes.NotSucceeded)]
    [InlineData("cancelled", ExitCodes.NotSucceeded)]
    public async Task Wait_ExitsWithTheOutcome(string outcome, int expected)
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", Samples.Events(12, outcome));

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:2", "--wait");

        Assert.True(run.ExitCode == expected, run.ToString());
        Assert.Contains($"deployment 12 {outcome}", run.Out);
    }

    [Fact]
    public async Task Wait_OnAPipe_PrintsOneLinePerEvent()
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", Samples.Events(12, "completed"));

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:2", "--wait");

        Assert.Equal(
            [
                "deployment 12 shop deploy shop:2 -> green: queued (step queued)",
                "pull shop:2: Downloading 1.0 MB / 4.0 MB",
                "deployment 12 shop deploy shop:2 -> green: health_checking (step health_checking)",
                "health green: ok 200 in 3 ms",
                "drain blue: 2 requests, 1 socket left, requests cut in 8.5 s, sockets cut in 1.5 s",
                "deployment 12 shop deploy shop:2 -> green: completed (step completed)",
                "deployment 12 completed after 9.0 s: shop serves shop:2 from green",
            ],
            run.Out.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\r', run.Out);
    }

    [Fact]
    public async Task Wait_OnATerminal_RedrawsTheBusyLine_AndKeepsStepsOnTheirOwnLines()
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", Samples.Events(12, "completed"));

        var run = await CliRun.RunAsync(api, new Dictionary<string, string>(), interactive: true, "deploy", "shop", "shop:2", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\r\u001b[K  pull shop:2: Downloading 1.0 MB / 4.0 MB", run.Out);
        Assert.Contains("\r\u001b[Kdeployment 12 shop deploy shop:2 -> green: health_checking", run.Out);
    }

    [Fact]
    public async Task Wait_WithJson_PrintsOnlyTheFinishedDeployment()
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", Samples.Events(12, "rolled_back"));

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:2", "--wait", "--json");

        Assert.Equal(ExitCodes.NotSucceeded, run.ExitCode);
        Assert.Equal("rolled_back", JsonDocument.Parse(run.Out).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Wait_OnAHostWithoutTheEventsEndpoint_ReadsTheDeploymentInstead()
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/rollback", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnProblem("GET api/deployments/12/events", HttpStatusCode.NotFound, "Not Found", "")
            .OnJson("GET api/deployments/12", Samples.Deployment(status: "completed", finishedAt: "2026-11-25T10:00:05Z"));

        var run = await CliRun.RunAsync(api, "rollback", "shop", "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("deployment 12 completed", run.Out);
    }

    [Fact]
    public async Task Wait_WhenTheStreamDrops_ReadsTheDeploymentAndSubscribesAgain()
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/redeploy", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", $"event: deployment\ndata: {Samples.Deployment(status: "starting")}\n\n")
            .OnEvents("GET api/deployments/12/events", Samples.Events(12, "completed"))
            .OnJson("GET api/deployments/12", Samples.Deployment(status: "starting"));

        var run = await CliRun.RunAsync(api, "redeploy", "shop", "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, api.Requests.Count(r => r.Route == "GET api/deployments/12/events"));
    }

    [Fact]
    public async Task Wait_PastTheTimeout_ExitsFive_AndSaysTheDeploymentGoesOn()
    {
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", $"event: deployment\ndata: {Samples.Deployment(status: "health_checking")}\n\n")
            .OnJson("GET api/deployments/12", Samples.Deployment(status: "health_checking"));

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:2", "--wait", "--timeout", "1");

        Assert.Equal(ExitCodes.StillRunning, run.ExitCode);
        Assert.Contains("deployment 12 is still health_checking", run.Out);
    }

    [Fact]
    public async Task IdempotentReplay_OfAFinishedDeployment_ReturnsAtOnce()
    {
        var api = new FakeApi().On(
            "POST api/apps/shop/deployments",
            HttpStatusCode.OK,
            Samples.Deployment(status: "completed", finishedAt: "2026-11-25T10:00:05Z"),
            configure: response => response.Headers.Add("Idempotent-Replayed", "true"));

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:2", "--idempotency-key", "k1", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("already had this idempotency key", run.Error);
        Assert.Single(api.Requests);
    }
}
