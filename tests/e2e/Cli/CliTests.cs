using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Cli;

/// <summary>The CLI as a real process against a real host with real Docker: what it prints and what it exits with.</summary>
[Collection(DockerCollection.Name)]
public sealed class CliTests(CliHost cli) : IClassFixture<CliHost>
{
    [Fact]
    public async Task DeployWait_Completes_ExitsZero_AndPrintsTheOutcome()
    {
        var run = await cli.RunAsync("deploy", cli.App.App, DemoImages.V2, "--wait", "--timeout", "120", "--reason", "e2e", "--metadata", "git_hash=abc123");

        Assert.True(run.ExitCode == 0, run + cli.Host.Output);
        Assert.Contains($"completed after", run.Out);
        Assert.Contains($"{cli.App.App} serves {DemoImages.V2}", run.Out);
        Assert.Contains(": health_checking", run.Out);
    }

    [Fact]
    public async Task DeployWait_OfAnUnhealthyImage_RollsBack_ExitsOne()
    {
        var run = await cli.RunAsync("deploy", cli.App.App, DemoImages.Unhealthy, "--wait", "--timeout", "120");

        Assert.True(run.ExitCode == 1, run + cli.Host.Output);
        Assert.Contains("rolled_back", run.Out);
        Assert.Matches("(?m)^health (blue|green): FAIL", run.Out);
    }

    [Fact]
    public async Task DeployWaitJson_PrintsTheFinishedDeployment()
    {
        var run = await cli.RunAsync("deploy", cli.App.App, DemoImages.V1, "--wait", "--timeout", "120", "--json");

        Assert.True(run.ExitCode == 0, run + cli.Host.Output);
        var deployment = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal("completed", deployment.GetProperty("status").GetString());
        Assert.Equal(DemoImages.V1, deployment.GetProperty("image").GetString());
    }

    [Fact]
    public async Task Deploy_ToAnUnknownApp_ExitsFour_WithTheProblem()
    {
        var run = await cli.RunAsync("deploy", "no-such-app", DemoImages.V2);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("Unknown application", run.Error);
        Assert.Contains("no-such-app", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task LogsFollow_PrintsTheLinesAsWritten_UntilARedeployStopsTheContainer()
    {
        // A tail long enough to hold the marked lines even if the CLI connects after they were written.
        var following = cli.RunAsync("logs", cli.App.App, "--follow", "--tail", "50");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var marker = $"followed={Guid.NewGuid():N}";

        // Marked requests for a few seconds, so that some land after the CLI has started and connected.
        for (var i = 0; i < 20 && !following.IsCompleted; i++)
        {
            await client.GetAsync(new Uri(cli.App.Url, $"?{marker}"));
            await Task.Delay(200);
        }

        Assert.False(following.IsCompleted, following.IsCompleted ? (await following).ToString() : null);
        var redeploy = await cli.RunAsync("redeploy", cli.App.App, "--wait", "--timeout", "120");
        Assert.True(redeploy.ExitCode == 0, redeploy + cli.Host.Output);

        var run = await following.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"GET /?{marker} 200", run.Out);
        Assert.Matches("(?m)^demo v[0-9] stopping$", run.Out);
        Assert.Contains("(the output ended", run.Error);
    }

    [Fact]
    public async Task AnyVerb_WithNoHost_ExitsThree()
    {
        var run = await CliProcess.RunAsync($"http://127.0.0.1:{LoopbackPorts.Next()}", "apps");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("Cannot reach the Cutover host", run.Error);
    }

    [Theory]
    [InlineData("deploy", "e2e-cli")]
    [InlineData("history", "--take", "0")]
    [InlineData("health", "e2e-cli", "--slot", "purple")]
    public async Task BadArguments_ExitTwo(params string[] args)
    {
        var run = await cli.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--help' for usage", run.Error);
    }

    [Fact]
    public async Task NoVerb_StillStartsTheHost_HelpIsTheClis()
    {
        var run = await CliProcess.RunAsync(null, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes:", run.Out);
    }

    [Fact]
    public async Task ConfigValidate_TheHostsOwnFile_ExitsZero()
    {
        var run = await cli.RunAsync("config", "validate", cli.Host.AppsFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("valid, 1 application: e2e-cli", run.Out);
    }

    [Fact]
    public async Task ConfigValidate_ABadFile_ExitsOne_WithFileLineColumn()
    {
        var file = Path.Combine(cli.Host.Folder, "bad-apps.yaml");
        await File.WriteAllTextAsync(file, cli.App.ToString().Replace("pull: never", "pull: sometimes") + "  x y z\n");

        var run = await cli.RunAsync("config", "validate", file);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(file)}:[0-9]+:[0-9]+: ", run.Out);
    }

    [Theory]
    [InlineData(JsonValueKind.Object, "history")]
    [InlineData(JsonValueKind.Object, "history", "e2e-cli", "--take", "5")]
    [InlineData(JsonValueKind.Array, "apps")]
    [InlineData(JsonValueKind.Object, "apps", "e2e-cli")]
    [InlineData(JsonValueKind.Object, "status")]
    [InlineData(JsonValueKind.Array, "health", "e2e-cli", "--limit", "5")]
    [InlineData(JsonValueKind.Object, "logs", "e2e-cli", "--tail", "5")]
    [InlineData(JsonValueKind.Object, "stats", "e2e-cli")]
    public async Task ReadVerbs_WithJson_PrintTheApisJson(JsonValueKind kind, params string[] args)
    {
        var run = await cli.RunAsync([.. args, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(kind, JsonDocument.Parse(run.Out).RootElement.ValueKind);
    }

    [Fact]
    public async Task History_ShowsTheFirstDeployment_InATable()
    {
        var run = await cli.RunAsync("history", "e2e-cli");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("ID  APP", run.Out);
        Assert.Contains(DemoImages.V1, run.Out);
    }

    [Fact]
    public async Task AuditVerify_OnAnUntouchedTrail_ExitsZero()
    {
        var run = await cli.RunAsync("audit", "verify");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("intact", run.Out);
    }

    [Fact]
    public async Task AuditExportCsv_WritesTheFile_WithTheDeployment()
    {
        var file = Path.Combine(cli.Host.Folder, "audit.csv");

        var run = await cli.RunAsync("audit", "export", "--format", "csv", "--out", file, "--app", "e2e-cli");

        Assert.True(run.ExitCode == 0, run.ToString());
        var csv = await File.ReadAllTextAsync(file);
        Assert.Contains("e2e-cli", csv);
        Assert.Contains(DemoImages.V1, csv);
    }
}
