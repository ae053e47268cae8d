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
    public async Task Wait_ShowsEachCanaryStep_AndEachAnalysisResult()
    {
        static string Canary(params string[] messages) =>
            Samples.Deployment(status: "canary").Replace(
                """[{"status":"canary","at":"2026-11-25T10:00:01Z","message":"step canary"}]""",
                "[" + string.Join(",", messages.Select(m => $$"""{"status":"canary","at":"2026-11-25T10:00:01Z","message":"{{m}}"}""")) + "]",
                StringComparison.Ordinal);
        const string Analysis = """{"at":"2026-11-25T10:00:11Z","app":"shop","deploymentId":12,"analysis":{"phase":"canary","weight":10,"start":"2026-11-25T10:00:01Z","end":"2026-11-25T10:00:11Z","outcome":"passed","requests":50,"errors":0,"errorRate":0,"p95Ms":80,"summary":"error rate 0.0% <= 5.0% (0 of 50 requests); p95 80 ms <= 800 ms"}}""";
        var events = $$$"""
            event: deployment
            data: {{{Canary("weight 10%, holding 1m (step 1 of 2)")}}}

            event: analysis
            data: {{{Analysis}}}

            event: deployment
            data: {{{Canary("weight 10%, holding 1m (step 1 of 2)", "weight 50%, holding 1m (step 2 of 2)")}}}

            event: deployment
            data: {{{Samples.Deployment(status: "completed", finishedAt: "2026-11-25T10:02:09Z")}}}


            """.ReplaceLineEndings("\n");
        var api = new FakeApi()
            .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
            .OnEvents("GET api/deployments/12/events", events);

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:2", "--wait");

        Assert.Equal(
            [
                "deployment 12 shop deploy shop:2 -> green: queued (step queued)",
                "deployment 12 shop deploy shop:2 -> green: canary (weight 10%, holding 1m (step 1 of 2))",
                "analysis (canary at 10%): passed, error rate 0.0% <= 5.0% (0 of 50 requests); p95 80 ms <= 800 ms",
                "deployment 12 shop deploy shop:2 -> green: canary (weight 50%, holding 1m (step 2 of 2))",
                "deployment 12 shop deploy shop:2 -> green: completed (step completed)",
            ],
            run.Out.TrimEnd('\n').Split('\n').SkipLast(1));
    }

    [Fact]
    public async Task Promote_AndAbort_PostToTheirEndpoints()
    {
        var api = new FakeApi()
            .OnJson("POST api/deployments/12/promote?full=true", Samples.Deployment(status: "canary"), HttpStatusCode.Accepted)
            .OnJson("POST api/deployments/12/abort", Samples.Deployment(status: "canary"), HttpStatusCode.Accepted);

        var promote = await CliRun.RunAsync(api, "promote", "12", "--full");
        var abort = await CliRun.RunAsync(api, "abort", "12");

        Assert.True(promote.ExitCode == 0, promote.ToString());
        Assert.StartsWith("promote requested: deployment 12 shop deploy shop:2 -> green: canary", promote.Out);
        Assert.True(abort.ExitCode == 0, abort.ToString());
        Assert.StartsWith("abort requested: deployment 12", abort.Out);
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
