using Bunit;
using Cutover.Engine.Maintenance;
using Cutover.Web.Components.Maintenance;
using Cutover.Web.Components.Shared;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The app page's maintenance switch and what the page and the card show while it is on.</summary>
public sealed class MaintenanceConsoleTests : DashboardContext
{
    private AppMaintenance Maintenance => Engine.Get<AppMaintenance>();

    [Fact]
    public async Task MaintenanceOn_ThroughTheDialog_SetsTheNotice_AndThePageShowsIt()
    {
        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=maintenance-on]")));
        Assert.Empty(page.FindAll("[data-test=maintenance-banner]"));

        var asking = page.Find("[data-test=maintenance-on]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=maintenance-dialog]")));
        await page.Find("textarea[data-test=maintenance-message-input], [data-test=maintenance-message-input] textarea").InputAsync(new() { Value = "Back at 14:00" });
        await page.Find("input[data-test=maintenance-retry-after], [data-test=maintenance-retry-after] input").InputAsync(new() { Value = "5m" });
        await page.Find("[data-test=maintenance-confirm]").ClickAsync(new());
        await asking.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new Cutover.Engine.Traffic.MaintenanceNotice("Back at 14:00", TimeSpan.FromMinutes(5)), Engine.Traffic.MaintenanceOf("shop"));
        Assert.Equal("ui:local", Maintenance.Get("shop")!.By);
        page.WaitForAssertion(() => Assert.Contains("“Back at 14:00”", page.Find("[data-test=maintenance-banner]").TextContent));
        Assert.Contains("Retry-After 300s", page.Find("[data-test=maintenance-banner]").TextContent);
        Assert.NotNull(page.Find("[data-test=maintenance-chip]"));
        Assert.NotNull(page.Find("[data-test=maintenance-off]"));
    }

    [Fact]
    public async Task MaintenanceOff_AfterTheConfirmation_LiftsIt_AndTheBannerGoes()
    {
        await Maintenance.TurnOnAsync("shop", "soon", null, "ops", null, CancellationToken.None);
        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=maintenance-banner]")));

        var asking = page.Find("[data-test=maintenance-off]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".mud-dialog button")));
        await page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Turn maintenance off").ClickAsync(new());
        await asking.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(Engine.Traffic.MaintenanceOf("shop"));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=maintenance-banner]")));
        Assert.NotNull(page.Find("[data-test=maintenance-on]"));
    }

    [Fact]
    public async Task MaintenanceOn_Cancelled_ChangesNothing()
    {
        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=maintenance-on]")));

        var asking = page.Find("[data-test=maintenance-on]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=maintenance-dialog]")));
        await page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Keep as is").ClickAsync(new());
        await asking.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(Engine.Traffic.MaintenanceOf("shop"));
        Assert.Null(Maintenance.Get("shop"));
    }

    [Fact]
    public async Task TheDialog_RefusesABadRetryAfter_AsItIsTyped()
    {
        var dialog = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        dialog.WaitForAssertion(() => Assert.NotNull(dialog.Find("[data-test=maintenance-on]")));
        _ = dialog.Find("[data-test=maintenance-on]").ClickAsync(new());
        dialog.WaitForAssertion(() => Assert.NotNull(dialog.Find("[data-test=maintenance-dialog]")));

        await dialog.Find("input[data-test=maintenance-retry-after], [data-test=maintenance-retry-after] input").InputAsync(new() { Value = "2 days" });

        dialog.WaitForAssertion(() => Assert.True(dialog.Find("[data-test=maintenance-confirm]").HasAttribute("disabled")));
        Assert.Contains("from 1 s to 24 h", dialog.Markup);
    }

    [Fact]
    public void TheCard_ShowsAChip_OnlyInMaintenance()
    {
        var card = Render<MaintenanceChip>(p => p.Add(c => c.Maintenance, new MaintenanceState("soon", null, DateTimeOffset.UnixEpoch, "ops")));
        Assert.Equal("maintenance", card.Find("[data-test=maintenance-chip]").TextContent.Trim());

        var none = Render<MaintenanceChip>(p => p.Add(c => c.Maintenance, null));
        Assert.Empty(none.FindAll("[data-test=maintenance-chip]"));
    }
}
