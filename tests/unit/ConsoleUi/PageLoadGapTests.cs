using Bunit;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Cutover.Web.Components.Pages;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>What is written while a page loads appears on it: the page subscribes before it reads.</summary>
public sealed class PageLoadGapTests : ComposedConsoleContext
{
    [Fact]
    public async Task AuditPage_AnEntryWrittenRightAfterItsRead_AppearsOnThePage()
    {
        Gap.Arm(
            sql => sql.Contains("audit_events", StringComparison.Ordinal) && sql.Contains("ORDER BY", StringComparison.Ordinal),
            () => Get<AuditLog>().AppendAsync("test", "gap.written", "ok", "shop", "written while the page loaded", CancellationToken.None));

        var page = Render<AuditPage>();

        await Gap.Written.Task.WaitAsync(TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("tr.audit-row"), r => r.TextContent.Contains("gap.written", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DeploymentsPage_ADeploymentCreatedRightAfterItsRead_AppearsOnThePage()
    {
        Gap.Arm(
            sql => sql.Contains("deployments", StringComparison.Ordinal) && sql.Contains("ORDER BY", StringComparison.Ordinal),
            () => Get<DeploymentStore>().CreateAsync(new DeploymentRecord { App = "shop", Image = "demo:gap", RequestedBy = "test" }, CancellationToken.None));

        var page = Render<DeploymentsPage>();

        await Gap.Written.Task.WaitAsync(TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("tr.deployment-row"), r => r.TextContent.Contains("demo:gap", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Dashboard_ComposedAsTheHostComposesIt_ShowsEveryConfiguredApp()
    {
        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=app-card]").Count), TimeSpan.FromSeconds(5));
    }
}
