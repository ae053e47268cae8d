using Bunit;
using Cutover.Engine.Audit;
using Cutover.Engine.Board;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Cutover.Engine.Events;
using Cutover.Engine.Healing;
using Cutover.Engine.Hosting;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;
using Cutover.Tests.Unit.Engine;
using Cutover.Web.Components.Pages;
using Cutover.Web.ConsoleState;
using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MudBlazor.Services;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The dashboard over the real engine services (fake Docker, proxy and clock).</summary>
public abstract class DashboardContext : BunitContext, IAsyncLifetime
{
    private protected EngineHarness Engine { get; private set; } = null!;

    /// <summary>Each test's apps.yaml; the default has two apps.</summary>
    protected virtual string? AppsYaml => null;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Engine = await EngineHarness.StartAsync(AppsYaml);
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(Engine.Get<AppBoard>());
        Services.AddSingleton(Engine.Get<DeploymentStore>());
        Services.AddSingleton(Engine.Get<HealthStore>());
        Services.AddSingleton(Engine.Get<SelfHealer>());
        Services.AddSingleton(Engine.Get<ITrafficSwitch>());
        Services.AddSingleton(Engine.Get<EngineEventStream>());
        Services.AddSingleton(Engine.Get<TimeProvider>());
        Services.AddSingleton(Engine.Get<ILoggerFactory>());
        Services.AddLogging();
        Services.AddSingleton(Engine.Get<DeploymentCoordinator>());
        Services.AddSingleton(Engine.Get<RollbackTargets>());
        Services.AddSingleton(Engine.Get<AppsConfigMonitor>());
        Services.AddSingleton(Engine.Get<AppStateStore>());
        Services.AddSingleton(Engine.Get<IContainerRuntime>());
        Services.AddSingleton(Engine.Get<SecretRedactor>());
        Services.AddSingleton(Engine.Get<ContainerOutput>());
        Services.AddSingleton(Engine.Get<Cutover.Engine.ReleaseCommands.ReleaseOutputs>());
        Services.AddSingleton(Engine.Get<EngineReadiness>());
        Services.AddSingleton(Engine.Get<DockerLiveRestore>());
        Services.AddScoped<LiveApps>();
        Services.AddSingleton<AppDetails>();
        Services.AddScoped<ConsoleUser>();
        Services.AddScoped<ConsoleActions>();
        Services.AddSingleton(Engine.Get<Cutover.Engine.Maintenance.AppMaintenance>());
        Services.AddScoped<MaintenanceActions>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Engine.DisposeAsync();
    }
}

/// <summary>The dashboard's states and its live updates, with the two apps of the default apps.yaml.</summary>
public sealed class DashboardTests : DashboardContext
{
    [Fact]
    public void Dashboard_BeforeAnyDeployment_ShowsEveryConfiguredAppWithNothingServing()
    {
        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=app-card]").Count));
        Assert.All(page.FindAll("[data-test=active]"), a => Assert.Equal("nothing serves yet", a.TextContent.Trim()));
    }

    [Fact]
    public async Task Dashboard_ShowsADeploymentLive_FromItsStepsToItsOutcome_WithoutReloading()
    {
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=app-card]").Count));
        Engine.Probe.Failing[28081] = true;

        var deployment = await Engine.RequestAsync("shop");

        page.WaitForAssertion(() => Assert.Contains("health_checking", page.Find("[data-app=shop] [data-test=running]").TextContent), TimeSpan.FromSeconds(10));
        Engine.Probe.Failing[28081] = false;
        await Engine.WaitForEndAsync(deployment.Id);
        page.WaitForAssertion(() =>
        {
            Assert.Equal("blue · demo:v1", page.Find("[data-app=shop] [data-test=active]").TextContent.Trim());
            Assert.Contains("completed", page.Find("[data-app=shop] [data-test=last]").TextContent);
            Assert.Empty(page.FindAll("[data-app=shop] [data-test=running]"));
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Dashboard_Summary_CountsHealthyAppsAndDeployments_AndFollowsANewDeploymentLive()
    {
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal(
            "0 of 2 apps healthy · 0 deployments today · last 7 days: – succeeded, median –", Text(page.Find("[data-test=summary]"))));

        await Engine.DeployAsync("shop");

        page.WaitForAssertion(
            () =>
            {
                Assert.Equal("1 of 2 apps healthy", Text(page.Find("[data-test=summary-healthy]")));
                Assert.Equal("1 deployment today", Text(page.Find("[data-test=summary-today]")));
                Assert.StartsWith("last 7 days: 100% succeeded, median ", Text(page.Find("[data-test=summary-week]")));
            },
            TimeSpan.FromSeconds(10));
    }

    private static string Text(AngleSharp.Dom.IElement element) => string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task Dashboard_ShowsASelfHealingCrashLoopLive_UntilSomeoneDeploysAgain()
    {
        await Engine.DeployAsync("shop");
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal("blue · demo:v1", page.Find("[data-app=shop] [data-test=active]").TextContent.Trim()));
        var serving = Engine.Runtime.In("shop", Slot.Blue)!;
        var healer = Engine.Get<SelfHealer>();

        for (var i = 0; i < 6; i++)
        {
            // Each exit is healed (Docker's restart policy brings it back) before the next, until the budget is spent.
            await healer.OnEventAsync(Engine.Runtime.Die(serving.Id, "1", restartedByDocker: true), CancellationToken.None);
            var healed = i + 1;
            page.WaitForAssertion(() => Assert.Equal(healed, Engine.Get<AuditReader>().ReadAsync(new AuditFilter(App: "shop"), CancellationToken.None)
                .ToBlockingEnumerable().Count(e => e.Action.StartsWith("app.heal", StringComparison.Ordinal))), TimeSpan.FromSeconds(10));
        }

        page.WaitForAssertion(() => Assert.Equal("gaveup", page.Find("[data-app=shop] [data-test=healing]").GetAttribute("data-outcome")), TimeSpan.FromSeconds(10));
        await Engine.DeployAsync("shop", "demo:v2");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-app=shop] [data-test=healing]")), TimeSpan.FromSeconds(10));
    }
}

/// <summary>An app's page: its actions ask for confirmation, act through the engine, and are disabled while not allowed.</summary>
public sealed class AppPageTests : DashboardContext
{
    [Fact]
    public async Task Redeploy_AsksWhatWillHappen_ThenStartsADeploymentAsTheConsoleUser()
    {
        var dialog = await AskToRedeployShopAsync();

        Assert.Contains("Start a fresh container of demo:v1", dialog.Find(".mud-dialog").TextContent);
        await dialog.AnswerAsync("Redeploy");

        var history = await Engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None);
        Assert.Equal((DeploymentKind.Redeploy, "ui:local"), (history.Items[0].Kind, history.Items[0].RequestedBy));
        await Engine.WaitForEndAsync(history.Items[0].Id);
    }

    [Fact]
    public async Task KeepAsIs_InTheDialog_StartsNothing()
    {
        var dialog = await AskToRedeployShopAsync();

        await dialog.AnswerAsync("Keep as is");

        Assert.Equal(1, (await Engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task WhileADeploymentRuns_DeployActionsAreDisabled_AndCancelIsNot()
    {
        await Engine.DeployAsync("shop");
        Engine.Probe.Failing[28082] = true;
        var page = RenderWithDialogs("shop");
        var running = await Engine.RequestAsync("shop", "demo:v2");

        page.WaitForAssertion(() =>
        {
            Assert.True(page.Find("[data-test=redeploy]").HasAttribute("disabled"));
            Assert.True(page.Find("[data-test=rollback]").HasAttribute("disabled"));
            Assert.False(page.Find("[data-test=cancel]").HasAttribute("disabled"));
        }, TimeSpan.FromSeconds(10));
        await Engine.WaitForEndAsync(running.Id);
    }

    [Fact]
    public async Task Follow_ShowsEachNewLine_WithoutAReload_AndOff_StopsReading()
    {
        await Engine.DeployAsync("shop");
        Engine.Runtime.LogLines = ["started"];
        var page = RenderWithDialogs("shop");
        page.WaitForAssertion(() => Assert.Equal("started", page.Find("[data-test=logs]").TextContent));

        await page.Find("[data-test=follow]").ChangeAsync(new() { Value = true });
        await Engine.Runtime.FollowedOutput.Writer.WriteAsync("GET /orders 200");
        page.WaitForAssertion(() =>
        {
            Engine.Time.Advance(ContainerOutputFeed.RenderInterval);
            Assert.Equal("started\nGET /orders 200", page.Find("[data-test=logs]").TextContent);
        });

        // Awaited: the switch's handler returns once the stream is no longer read.
        await page.Find("[data-test=follow]").ChangeAsync(new() { Value = false });
        await Engine.Runtime.FollowedOutput.Writer.WriteAsync("GET /later 200");
        await Task.Delay(100);
        Assert.Equal(1, Engine.Runtime.FollowedOutput.Reader.Count);
    }

    [Fact]
    public async Task DuringADeployment_EachClosedTrafficWindow_RedrawsBothSlotsLive()
    {
        await Engine.DeployAsync("shop");
        Engine.Probe.Failing[28082] = true;
        var page = RenderWithDialogs("shop");
        var running = await Engine.RequestAsync("shop", "demo:v2");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-test=cancel]").HasAttribute("disabled")), TimeSpan.FromSeconds(10));

        Engine.Traffic.CloseWindow("shop", Samples.Traffic());

        page.WaitForAssertion(
            () => Assert.Equal(["blue", "green"], page.FindAll("[data-test=traffic-requests] [data-test=traffic-line]").Select(l => l.GetAttribute("data-line")).Distinct()),
            TimeSpan.FromSeconds(10));
        await Engine.WaitForEndAsync(running.Id);
    }

    [Fact]
    public void UnknownApp_SaysSo()
    {
        var page = RenderWithDialogs("nope");

        page.WaitForAssertion(() => Assert.Contains("no application named 'nope'", page.Find("[data-test=unknown-app]").TextContent));
    }

    private IRenderedComponent<DialogHost> RenderWithDialogs(string app) => Render<DialogHost>(p => p.Add(h => h.App, app));

    /// <summary>Deploys shop, opens its page and clicks Redeploy, leaving the confirmation open.</summary>
    private async Task<OpenDialog> AskToRedeployShopAsync()
    {
        await Engine.DeployAsync("shop");
        var page = RenderWithDialogs("shop");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-test=redeploy]").HasAttribute("disabled")));

        // The click's handler waits for the answer, so it completes only after the dialog is answered.
        var asking = page.Find("[data-test=redeploy]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotNull(page.Find(".mud-dialog")));
        return new OpenDialog(page, asking);
    }

    private sealed record OpenDialog(IRenderedComponent<DialogHost> Page, Task Asking)
    {
        public AngleSharp.Dom.IElement Find(string selector) => Page.Find(selector);

        public async Task AnswerAsync(string button)
        {
            await Page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == button).ClickAsync(new());
            await Asking.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}

/// <summary>The dashboard when apps.yaml lists no application.</summary>
public sealed class EmptyDashboardTests : DashboardContext
{
    protected override string? AppsYaml => "apps: {}\n";

    [Fact]
    public void Dashboard_WithoutApps_SaysHowToAddOne()
    {
        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Contains("apps.yaml has no applications yet", page.Find("[data-test=empty]").TextContent));
    }
}

/// <summary>The pages when the database cannot be read: they say so instead of loading forever.</summary>
public sealed class UnreadableDatabaseTests : DashboardContext
{
    [Fact]
    public async Task Dashboard_SaysTheAppsCouldNotBeRead()
    {
        await BreakTheDatabaseAsync();

        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Contains("The applications could not be read", page.Find("[data-test=load-error]").TextContent));
        Assert.Empty(page.FindAll("[data-test=loading]"));
    }

    [Fact]
    public async Task AppPage_SaysTheAppCouldNotBeRead()
    {
        await BreakTheDatabaseAsync();

        var page = Render<DialogHost>(p => p.Add(h => h.App, "shop"));

        page.WaitForAssertion(() => Assert.Contains("no such table", page.Find("[data-test=load-error]").TextContent));
        Assert.Empty(page.FindAll("[data-test=loading]"));
    }

    private async Task BreakTheDatabaseAsync()
    {
        await using var db = await Engine.Get<IDbContextFactory<CutoverDbContext>>().CreateDbContextAsync();
        var table = db.Model.FindEntityType(typeof(AppState))!.GetTableName();
        var rename = "ALTER TABLE \"" + table + "\" RENAME TO \"" + table + "_gone\"";
        await db.Database.ExecuteSqlRawAsync(rename);
    }
}
