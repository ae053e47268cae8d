using Bunit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;
using Cutover.Tests.Unit.Engine;
using Cutover.Web.Components.Pages;
using Cutover.Web.ConsoleState;
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
        Services.AddSingleton(Engine.Get<AppStatusReader>());
        Services.AddSingleton(Engine.Get<DeploymentStore>());
        Services.AddSingleton(Engine.Get<HealthStore>());
        Services.AddSingleton(Engine.Get<ITrafficSwitch>());
        Services.AddSingleton(Engine.Get<EngineEventStream>());
        Services.AddSingleton(Engine.Get<TimeProvider>());
        Services.AddSingleton(Engine.Get<ILoggerFactory>());
        Services.AddLogging();
        Services.AddScoped<LiveApps>();
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
