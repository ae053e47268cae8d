using Bunit;
using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The console before the engine has reconciled with Docker: its actions say so instead of racing reconciliation.</summary>
public sealed class StartingTests : DashboardContext
{
    [Fact]
    public async Task Redeploy_BeforeReconciliation_SaysCutoverIsStarting_AndStartsNothing()
    {
        await Engine.DeployAsync("shop");
        // A readiness of its own that has not seen reconciliation, as right after a restart.
        Services.AddSingleton(new EngineReadiness(
            Engine.Get<AppsConfigMonitor>(), Engine.Get<IDbContextFactory<CutoverDbContext>>(), Engine.Get<IContainerRuntime>(),
            Engine.Get<IOptions<EngineOptions>>(), Engine.Get<TimeProvider>()));
        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-test=redeploy]").HasAttribute("disabled")));

        var asking = page.Find("[data-test=redeploy]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotNull(page.Find(".mud-dialog")));
        await page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Redeploy").ClickAsync(new());
        await asking.WaitAsync(TimeSpan.FromSeconds(10));

        page.WaitForAssertion(() => Assert.Contains("Cutover is starting", page.Find(".mud-snackbar").TextContent));
        Assert.Equal(1, (await Engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Total);
    }
}
