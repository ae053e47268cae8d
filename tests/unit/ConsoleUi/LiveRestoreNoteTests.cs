using Bunit;
using Cutover.Engine.Runtime;
using Cutover.Web.Components.Pages;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The dashboard's warning while Docker's live-restore is off, live as Docker is read again.</summary>
public sealed class LiveRestoreNoteTests : DashboardContext
{
    [Fact]
    public async Task Dashboard_WithLiveRestoreOff_ShowsTheWarning_AndDropsItLiveOnceDockerSaysOn()
    {
        var liveRestore = Engine.Get<DockerLiveRestore>();
        await liveRestore.RefreshAsync(CancellationToken.None);

        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal(DockerLiveRestore.OffWarning, page.Find("[data-test=live-restore-off]").TextContent.Trim()));
        Engine.Runtime.LiveRestore = true;
        await liveRestore.RefreshAsync(CancellationToken.None);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=live-restore-off]")));
    }

    [Fact]
    public void Dashboard_BeforeDockerWasRead_ShowsNoWarning()
    {
        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=app-card]").Count));
        Assert.Empty(page.FindAll("[data-test=live-restore-off]"));
    }
}
