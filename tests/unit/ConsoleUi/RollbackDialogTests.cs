using Bunit;
using Cutover.Engine.Deployments;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The app page's Roll back: its confirmation names the release it goes to, offers the earlier ones, and goes where it said.</summary>
public sealed class RollbackDialogTests : DashboardContext
{
    [Fact]
    public async Task RollBack_AfterARedeploy_NamesThePreviousRelease_AndRollsBackToIt()
    {
        var v1 = await Engine.DeployAsync("shop");
        await Engine.DeployAsync("shop", "demo:v2");
        await Engine.DeployAsync("shop", kind: DeploymentKind.Redeploy);
        var dialog = await AskToRollBackAsync();

        Assert.StartsWith(
            $"Roll back shop to demo:v1 (deployment {v1.Id}, completed {v1.FinishedAt!.Value.ToLocalTime():yyyy-MM-dd HH:mm:ss})",
            dialog.Page.Find("[data-test=rollback-target]").TextContent);
        await dialog.AnswerAsync("Roll back");

        var started = (await Engine.Deployments.ListAsync("shop", null, 0, 1, CancellationToken.None)).Items[0];
        Assert.Equal((DeploymentKind.Rollback, "demo:v1", "ui:local"), (started.Kind, started.Image, started.RequestedBy));
        await Engine.WaitForEndAsync(started.Id);
    }

    [Fact]
    public async Task RollBack_ChoosingAnEarlierRelease_NamesIt_AndGoesThere()
    {
        var v1 = await Engine.DeployAsync("shop");
        await Engine.DeployAsync("shop", "demo:v2");
        await Engine.DeployAsync("shop", "demo:v3");
        var dialog = await AskToRollBackAsync();
        Assert.StartsWith("Roll back shop to demo:v2", dialog.Page.Find("[data-test=rollback-target]").TextContent);

        await dialog.Page.Find(".mud-dialog .mud-select.mud-input-control").MouseDownAsync(new());
        dialog.Page.WaitForAssertion(() => Assert.Equal(2, dialog.Page.FindAll(".mud-popover-open .mud-list-item").Count));
        await dialog.Page.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Contains("demo:v1")).ClickAsync(new());

        dialog.Page.WaitForAssertion(() => Assert.StartsWith($"Roll back shop to demo:v1 (deployment {v1.Id},", dialog.Page.Find("[data-test=rollback-target]").TextContent));
        await dialog.AnswerAsync("Roll back");
        var started = (await Engine.Deployments.ListAsync("shop", null, 0, 1, CancellationToken.None)).Items[0];
        Assert.Equal((DeploymentKind.Rollback, "demo:v1"), (started.Kind, started.Image));
        await Engine.WaitForEndAsync(started.Id);
    }

    [Fact]
    public async Task RollBack_WithNoEarlierRelease_SaysSo_AndStartsNothing()
    {
        await Engine.DeployAsync("shop");
        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-test=rollback]").HasAttribute("disabled")));

        // Bounded: a confirmation that opened anyway would hold the click until answered.
        await page.Find("[data-test=rollback]").ClickAsync(new()).WaitAsync(TimeSpan.FromSeconds(10));

        page.WaitForAssertion(() => Assert.Contains("shop has no earlier release to roll back to", page.Find(".mud-snackbar").TextContent));
        Assert.Empty(page.FindAll(".mud-dialog"));
        Assert.Equal(1, (await Engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Total);
    }

    /// <summary>Opens shop's page and clicks Roll back, leaving the confirmation open.</summary>
    private async Task<OpenDialog> AskToRollBackAsync()
    {
        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-test=rollback]").HasAttribute("disabled")));

        // The click's handler waits for the answer, so it completes only after the dialog is answered.
        var asking = page.Find("[data-test=rollback]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=rollback-target]")));
        return new OpenDialog(page, asking);
    }

    private sealed record OpenDialog(IRenderedComponent<DialogHost> Page, Task Asking)
    {
        public async Task AnswerAsync(string button)
        {
            await Page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == button).ClickAsync(new());
            await Asking.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
