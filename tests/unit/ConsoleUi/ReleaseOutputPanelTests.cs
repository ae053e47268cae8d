using Bunit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Web.Components.Deployments;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The deployment card's release output: the lines so far, then each new one live, then how it ended.</summary>
public sealed class ReleaseOutputPanelTests : DashboardContext
{
    protected override string? AppsYaml => """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            health: { path: /health, interval: 1s, timeout: 1s, healthy_after: 2, deadline: 10s }
            release: { command: ["bin/migrate", "up"], timeout: 1h }
        """;

    [Fact]
    public async Task ReleasePanel_WhileReleasing_ShowsTheLinesSoFar_ThenLiveOnes_ThenTheExitCode()
    {
        Engine.Runtime.ReleaseExitCode = null;
        Engine.Runtime.ReleaseOutput = ["migrating 001", "migrating 002"];
        var running = await Engine.RequestAsync("shop");
        await Eventually.HoldsAsync(() => Engine.Runtime.OneOffs.Count == 1, "the release container runs");
        await Eventually.HoldsAsync(async () => (await Engine.Get<Cutover.Engine.ReleaseCommands.ReleaseOutputs>().GetAsync(running.Id, CancellationToken.None))?.Lines.Count == 2, "both lines are read");
        var releasing = (await Engine.Deployments.GetAsync(running.Id, CancellationToken.None))!;

        var panel = Render<ReleaseOutputPanel>(p => p.Add(c => c.Deployment, releasing));

        Assert.Contains("bin/migrate up", panel.Find("[data-test=release-output]").TextContent);
        Assert.Equal("running", panel.Find("[data-test=release-state]").TextContent.Trim());
        Assert.Equal("migrating 001\nmigrating 002", panel.Find("[data-test=release-lines]").TextContent);

        // A line the panel already has (index 1) is not shown twice; a new one (index 2) is appended.
        var events = Engine.Get<EngineEventStream>();
        events.Publish(new ReleaseOutputWritten(DateTimeOffset.UtcNow, "shop", running.Id, 1, "migrating 002"));
        events.Publish(new ReleaseOutputWritten(DateTimeOffset.UtcNow, "shop", running.Id, 2, "migrating 003"));
        panel.WaitForAssertion(() => Assert.Equal("migrating 001\nmigrating 002\nmigrating 003", panel.Find("[data-test=release-lines]").TextContent), TimeSpan.FromSeconds(10));

        Engine.Runtime.ExitOneOff(Assert.Single(Engine.Runtime.OneOffs).Id, 4);
        var done = await Engine.WaitForEndAsync(running.Id);
        panel.Render(p => p.Add(c => c.Deployment, done));

        panel.WaitForAssertion(() => Assert.Equal("exited with code 4", panel.Find("[data-test=release-state]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Equal(DeploymentStatus.Failed, done.Status);
    }

    [Fact]
    public async Task ReleasePanel_OfADeploymentWithoutRelease_ShowsNothing()
    {
        var done = await Engine.DeployAsync("shop");
        var without = done with { Id = done.Id + 100 };

        var panel = Render<ReleaseOutputPanel>(p => p.Add(c => c.Deployment, without));

        Assert.Empty(panel.FindAll("[data-test=release-output]"));
    }
}
