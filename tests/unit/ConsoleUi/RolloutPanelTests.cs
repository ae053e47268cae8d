using Bunit;
using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;
using Cutover.Web.Components.AppDetail;
using Cutover.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The app page's rollout panel and the card's rollout chip, in each state a rollout can be in.</summary>
public sealed class RolloutPanelTests : BunitContext, IAsyncLifetime
{
    private const string AppsYaml = """
        apps:
          shop:
            image: shop:1.0
            listen: 127.0.0.1:8080
            slots: { blue: 18080, green: 18081 }
            promotion: manual
            preview: { listen: 0.0.0.0:18089 }
            strategy: canary
            canary: { steps: [{ weight: 10, pause: 30s }, { weight: 25, pause: manual }, { weight: 50, pause: 1m }, { weight: 75, pause: 1m }] }
            analysis: { interval: 10s, min_requests: 20, max_error_rate: 5%, max_p95: 800ms }
            watch: { duration: 10m }
        """;

    private readonly FakeTimeProvider _time = new(Samples.Now);
    private readonly AppSpec _spec;

    public RolloutPanelTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(_time);
        JSInterop.Mode = JSRuntimeMode.Loose;
        _spec = AppsYamlParser.Parse(AppsYaml, Path.Combine(Path.GetTempPath(), "apps.yaml")).Apps["shop"];
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void ACanaryStep_ShowsWhichStepOfHowMany_AndTheWeightBothWays()
    {
        var panel = RenderPanel(Running(DeploymentStatus.Canary) with { CanaryStep = 1, CanaryWeight = 25 });

        Assert.Equal("step 2 of 4: 25%, waits for promote", panel.Find("[data-test=rollout-step]").TextContent.Trim());
        Assert.Equal("25% of new requests to green, 75% to blue", panel.Find("[data-test=rollout-weight]").TextContent.Trim());
    }

    [Fact]
    public void TheProxysSplit_IsTheWeightShown_WhenItIsAheadOfTheStoredStep()
    {
        var panel = RenderPanel(Running(DeploymentStatus.Canary) with { CanaryStep = 0, CanaryWeight = 10 }, split: new TrafficSplit(Slot.Blue, Slot.Green, 25, true));

        Assert.StartsWith("25% of new requests to green", panel.Find("[data-test=rollout-weight]").TextContent.Trim());
    }

    [Fact]
    public void Paused_LinksThePreview_OnTheLoopbackWhenItListensOnEveryAddress()
    {
        var panel = RenderPanel(Running(DeploymentStatus.Paused));

        var link = panel.Find("[data-test=preview-link]");
        Assert.Equal("http://127.0.0.1:18089", link.GetAttribute("href"));
        Assert.Equal("0% of new requests to green, 100% to blue", panel.Find("[data-test=rollout-weight]").TextContent.Trim());
    }

    [Fact]
    public void AfterThePromotion_ThePreviewLinkIsGone()
    {
        var panel = RenderPanel(Running(DeploymentStatus.Canary) with { CanaryStep = 0, CanaryWeight = 10 });

        Assert.Empty(panel.FindAll("[data-test=preview-link]"));
    }

    [Fact]
    public void Watching_CountsDownToTheWatchsEnd_AsThePageRerenders()
    {
        var panel = RenderPanel(Running(DeploymentStatus.Watching) with { WatchUntil = Samples.Now.AddMinutes(4).AddSeconds(5) });
        Assert.Contains("blue keeps running for 4m 05s more", panel.Find("[data-test=rollout-watch]").TextContent);

        _time.Advance(TimeSpan.FromSeconds(50));
        panel.Render();

        Assert.Contains("blue keeps running for 3m 15s more", panel.Find("[data-test=rollout-watch]").TextContent);
        Assert.Equal("100% of new requests to green, 0% to blue", panel.Find("[data-test=rollout-weight]").TextContent.Trim());
    }

    [Fact]
    public void EachAnalysisResult_ShowsItsFiguresAgainstTheThresholds_NewestFirst()
    {
        var passed = new AnalysisView("canary", 10, Samples.Now, Samples.Now.AddSeconds(10), AnalysisOutcome.Passed, 120, 1, 1 / 120.0, 90, "error rate 0.8% <= 5%, p95 90 ms <= 800 ms");
        var failed = passed with { Weight = 25, Outcome = AnalysisOutcome.Failed, Requests = 200, Errors = 24, ErrorRate = 0.12, P95Ms = 950, Summary = "error rate 12% > 5%" };

        var panel = RenderPanel(Running(DeploymentStatus.Canary) with { CanaryStep = 1, CanaryWeight = 25, Analyses = [passed, failed] });

        var rows = panel.FindAll("[data-test=analysis]");
        Assert.Equal(["failed", "passed"], rows.Select(r => r.GetAttribute("data-outcome")));
        Assert.Equal("200", rows[0].QuerySelector("[data-test=analysis-requests]")!.TextContent.Trim());
        Assert.Equal("12% of max 5%", rows[0].QuerySelector("[data-test=analysis-error-rate]")!.TextContent.Trim());
        Assert.Equal("950 ms of max 800 ms", rows[0].QuerySelector("[data-test=analysis-p95]")!.TextContent.Trim());
        Assert.Contains("error rate 12% > 5%", rows[0].TextContent);
        Assert.Contains("25%", rows[0].TextContent);
    }

    [Theory]
    [InlineData(DeploymentStatus.Canary, "canary 25%")]
    [InlineData(DeploymentStatus.Paused, "paused")]
    [InlineData(DeploymentStatus.Watching, "watching")]
    public void TheAppCard_SaysWhereTheRolloutStands_AtAGlance(DeploymentStatus status, string text)
    {
        var app = Samples.Healthy() with { Running = Running(status) with { CanaryWeight = status == DeploymentStatus.Canary ? 25 : null } };

        var card = Render<AppCard>(p => p.Add(c => c.App, app));

        Assert.Equal(text, card.Find("[data-test=rollout-chip]").TextContent.Trim());
    }

    [Fact]
    public void TheAppCard_OfAPlainDeployment_ShowsNoRolloutChip() =>
        Assert.Empty(Render<AppCard>(p => p.Add(c => c.App, Samples.Draining())).FindAll("[data-test=rollout-chip]"));

    [Theory]
    [InlineData(DeploymentStatus.Releasing)]
    [InlineData(DeploymentStatus.Paused)]
    [InlineData(DeploymentStatus.Canary)]
    [InlineData(DeploymentStatus.Watching)]
    public void TheNewStatuses_HaveAChipWithAnIcon(DeploymentStatus status)
    {
        var chip = Render<DeploymentStatusChip>(p => p.Add(c => c.Status, status));

        Assert.Equal(status.ToSnakeCase(), chip.Find("[data-test=deployment-status]").TextContent.Trim());
        Assert.NotNull(chip.Find("[data-test=deployment-status] svg"));
    }

    private IRenderedComponent<RolloutPanel> RenderPanel(DeploymentView deployment, TrafficSplit? split = null) =>
        Render<RolloutPanel>(p => p.Add(c => c.Deployment, deployment).Add(c => c.Spec, _spec).Add(c => c.Split, split));

    private static DeploymentView Running(DeploymentStatus status) => Samples.Deployment(2, status, "shop:2.0");
}
