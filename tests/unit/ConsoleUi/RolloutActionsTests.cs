using Bunit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Web.ConsoleState;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The app page's Promote, Promote to 100% and Abort: enabled when they apply, each confirmed, then carried out by the coordinator.</summary>
public sealed class RolloutActionsTests : DashboardContext
{
    protected override string? AppsYaml => """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:29680
            slots: { blue: 29681, green: 29682 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            promotion: manual
            preview: { listen: 0.0.0.0:29689 }
          canary:
            image: demo:v1
            listen: 127.0.0.1:29780
            slots: { blue: 29781, green: 29782 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            strategy: canary
            canary: { steps: [{ weight: 10, pause: manual }, { weight: 50, pause: manual }] }
        """;

    [Fact]
    public async Task WithNothingRunning_PromoteAndAbortAreDisabled()
    {
        await Engine.DeployAsync("shop");

        var page = RenderWithDialogs("shop");

        page.WaitForAssertion(() =>
        {
            Assert.False(page.Find("[data-test=redeploy]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-test=promote]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-test=promote-full]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-test=abort]").HasAttribute("disabled"));
        });
        Assert.Empty(page.FindAll("[data-test=rollout]"));
    }

    [Fact]
    public async Task Paused_ShowsThePreviewLink_AndPromoteConfirmed_CompletesTheSwitch()
    {
        var (page, paused) = await PausedAsync("shop");
        Assert.Equal("http://127.0.0.1:29689", page.Find("[data-test=preview-link]").GetAttribute("href"));
        Assert.False(page.Find("[data-test=abort]").HasAttribute("disabled"));

        var asking = page.InvokeAsync(() => page.Find("[data-test=promote]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("All new requests go to green (demo:v2) at once; blue is drained and stopped.", page.Find(".mud-dialog").TextContent));
        await AnswerAsync(page, asking, "Promote");

        var done = await Engine.WaitForEndAsync(paused.Id);
        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Contains(done.Steps, s => s.Status == DeploymentStatus.Paused);
        Assert.Equal(Slot.Green, Engine.Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task KeepAsIs_InThePromoteDialog_LeavesItPaused()
    {
        var (page, paused) = await PausedAsync("shop");

        var asking = page.InvokeAsync(() => page.Find("[data-test=promote]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.NotNull(page.Find(".mud-dialog")));
        await AnswerAsync(page, asking, "Keep as is");

        Assert.Equal(DeploymentStatus.Paused, (await Engine.Deployments.GetAsync(paused.Id, CancellationToken.None))!.Status);
        Assert.Equal(Slot.Blue, Engine.Traffic.ActiveOf("shop"));
        Assert.IsType<Admission.Accepted>(await Engine.Coordinator.AbortAsync(paused.Id, "test", null, CancellationToken.None));
        await Engine.WaitForEndAsync(paused.Id);
    }

    [Fact]
    public async Task AbortConfirmed_SendsEveryRequestBack_AndRollsBack()
    {
        var (page, paused) = await PausedAsync("shop");

        var asking = page.InvokeAsync(() => page.Find("[data-test=abort]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("All new requests go back to blue at once; green (demo:v2) is stopped", page.Find(".mud-dialog").TextContent));
        await AnswerAsync(page, asking, "Abort deployment");

        var done = await Engine.WaitForEndAsync(paused.Id);
        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal(Slot.Blue, Engine.Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task InACanary_PromoteGoesToTheNextStep_AndPromoteToFull_Completes()
    {
        var (page, paused) = await PausedAsync("canary");
        page.WaitForAssertion(() => Assert.Equal("step 1 of 2: 10%, waits for promote", page.Find("[data-test=rollout-step]").TextContent.Trim()));

        var asking = page.InvokeAsync(() => page.Find("[data-test=promote]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("moves to canary step 2 of 2: 50% of new requests go to green", page.Find(".mud-dialog").TextContent));
        await AnswerAsync(page, asking, "Promote");
        page.WaitForAssertion(() => Assert.Equal("step 2 of 2: 50%, waits for promote", page.Find("[data-test=rollout-step]").TextContent.Trim()), TimeSpan.FromSeconds(10));

        asking = page.InvokeAsync(() => page.Find("[data-test=promote-full]").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("All new requests go to green (demo:v2) at once", page.Find(".mud-dialog").TextContent));
        await AnswerAsync(page, asking, "Promote to 100%");

        Assert.Equal(DeploymentStatus.Completed, (await Engine.WaitForEndAsync(paused.Id)).Status);
    }

    [Fact]
    public async Task APromoteTheEngineRefuses_SaysWhy()
    {
        var outcome = await Services.GetRequiredService<ConsoleActions>().PromoteAsync(4242, full: false);

        Assert.False(outcome.Accepted);
        Assert.Equal("There is no deployment 4242.", outcome.Message);
    }

    private IRenderedComponent<DialogHost> RenderWithDialogs(string app) => Render<DialogHost>(p => p.Add(h => h.App, app));

    /// <summary>A second deployment of <paramref name="app"/> waiting for a person, with its page open and Promote enabled.</summary>
    private async Task<(IRenderedComponent<DialogHost> Page, DeploymentView Paused)> PausedAsync(string app)
    {
        await Engine.DeployAsync(app);
        var page = RenderWithDialogs(app);
        var paused = await Engine.RequestAsync(app, "demo:v2");
        page.WaitForAssertion(() =>
        {
            Assert.False(page.Find("[data-test=promote]").HasAttribute("disabled"));
            Assert.NotNull(page.Find("[data-test=rollout]"));
        }, TimeSpan.FromSeconds(10));
        return (page, paused);
    }

    private static async Task AnswerAsync(IRenderedComponent<DialogHost> page, Task asking, string button)
    {
        // Found and clicked on the renderer's dispatcher: a live update between the two would drop the handler.
        await page.InvokeAsync(() => page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == button).ClickAsync(new()));
        await asking.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
