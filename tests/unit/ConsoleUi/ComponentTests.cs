using Bunit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;
using Cutover.Web.Components.Shared;
using Cutover.Web.ConsoleState;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The console's components in each state they can be in, rendered without a browser.</summary>
public sealed class ComponentTests : BunitContext, IAsyncLifetime
{
    public ComponentTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void AppCard_Healthy_ShowsSlotImageHealthChartAndLastOutcome()
    {
        var card = Render<AppCard>(p => p.Add(c => c.App, Samples.Healthy()));

        Assert.Equal("blue · shop:1.0", card.Find("[data-test=active]").TextContent.Trim());
        Assert.Equal("healthy", card.Find("[data-test=health]").TextContent.Trim());
        Assert.NotNull(card.Find("[data-test=latency-chart]"));
        Assert.Empty(card.FindAll("[data-test=latency-failure]"));
        Assert.Contains("completed", card.Find("[data-test=last]").TextContent);
        Assert.Empty(card.FindAll("[data-test=running]"));
    }

    [Fact]
    public void AppCard_Failing_ShowsUnhealthyAndMarksTheFailedChecks()
    {
        var card = Render<AppCard>(p => p.Add(c => c.App, Samples.Failing()));

        Assert.Equal("unhealthy", card.Find("[data-test=health]").TextContent.Trim());
        Assert.Equal(2, card.FindAll("[data-test=latency-failure]").Count);
    }

    [Fact]
    public void AppCard_Draining_ShowsTheDeploymentUnderWayAndTheInFlightCounts()
    {
        var card = Render<AppCard>(p => p.Add(c => c.App, Samples.Draining()));

        Assert.Contains("draining", card.Find("[data-test=running]").TextContent);
        Assert.Equal("3 requests, 1 WebSocket in flight", card.Find("[data-test=inflight]").TextContent.Trim());
    }

    [Fact]
    public void AppCard_NeverDeployed_SaysNothingServesAndHasNoChart()
    {
        var card = Render<AppCard>(p => p.Add(c => c.App, Samples.NeverDeployed()));

        Assert.Equal("nothing serves yet", card.Find("[data-test=active]").TextContent.Trim());
        Assert.NotNull(card.Find("[data-test=latency-empty]"));
        Assert.Empty(card.FindAll("[data-test=last]"));
    }

    [Fact]
    public void AppCard_ListenerError_IsShown()
    {
        var app = Samples.Healthy() with { Status = Samples.Healthy().Status with { ListenerError = "Cannot listen on 127.0.0.1:8080: in use" } };

        var card = Render<AppCard>(p => p.Add(c => c.App, app));

        Assert.Contains("in use", card.Find("[data-test=listener-error]").TextContent);
    }

    [Fact]
    public void AppCard_SelfHealingGaveUp_SaysSoAsAnError()
    {
        var app = Samples.Healthy() with
        {
            Healing = new AppHealed(Samples.Now, "shop", Slot.Blue, HealOutcome.GaveUp, "the serving blue container exited with code 1; gave up after 5 attempts"),
        };

        var card = Render<AppCard>(p => p.Add(c => c.App, app));

        var alert = card.Find("[data-test=healing]");
        Assert.Equal("gaveup", alert.GetAttribute("data-outcome"));
        Assert.Contains("Self-healing gave up", alert.TextContent);
        Assert.Contains("gave up after 5 attempts", alert.TextContent);
        Assert.Contains("mud-alert-text-error", alert.ClassName);
    }

    [Fact]
    public void AppCard_WithTraffic_ShowsARequestRateSparklineAndTheErrorRateOfTheLastMinute()
    {
        var card = Render<AppCard>(p => p.Add(c => c.App, Samples.Healthy() with { Traffic = Samples.Traffic() }));

        Assert.Single(card.FindAll("[data-test=traffic-sparkline] [data-test=traffic-line]"));
        // Six windows of 30 on blue plus two of 10 on green, over 60 s; 3 errors of those 200 requests.
        Assert.Equal("3.33 requests/s", card.Find("[data-test=requests-per-second]").TextContent.Trim());
        Assert.Equal("1.5%", card.Find("[data-test=error-rate]").TextContent.Trim());
    }

    [Fact]
    public void AppCard_WithoutTraffic_ShowsNoRequestsAndADashForTheErrorRate()
    {
        var card = Render<AppCard>(p => p.Add(c => c.App, Samples.Healthy()));

        Assert.Empty(card.FindAll("[data-test=traffic-sparkline]"));
        Assert.Equal("0 requests/s", card.Find("[data-test=requests-per-second]").TextContent.Trim());
        Assert.Equal("–", card.Find("[data-test=error-rate]").TextContent.Trim());
    }

    [Fact]
    public void SlotTrafficPanel_DuringADeployment_ChartsBothSlotsOnEachChart()
    {
        var app = Samples.Draining() with { Traffic = Samples.Traffic() };

        var panel = Render<SlotTrafficPanel>(p => p.Add(c => c.App, app));

        foreach (var chart in new[] { "traffic-requests", "traffic-errors", "traffic-p95" })
        {
            Assert.Equal(["blue", "green"], panel.FindAll($"[data-test={chart}] [data-test=traffic-line]").Select(l => l.GetAttribute("data-line")).Distinct());
        }

        Assert.Equal("blue: 3 requests/s, errors 1.7%, p95 12 ms (180 requests in the last minute)", Text(panel.Find("[data-test=slot-figures][data-slot=blue]")));
        Assert.Equal("green: 0.33 requests/s, errors 0%, p95 40 ms (20 requests in the last minute)", Text(panel.Find("[data-test=slot-figures][data-slot=green]")));
    }

    [Fact]
    public void SlotTrafficPanel_AFlatZeroErrorRate_IsDrawnClearOfTheBottomEdge_OnAScaleWithLabelledAxes()
    {
        var windows = Enumerable.Range(0, 90)
            .Select(i => new TrafficSample(Samples.Now.AddMinutes(-15) + (i * TrafficSeries.Window), TrafficSeries.Window, 30, 0, 12)).ToArray();
        var app = Samples.Healthy() with { Traffic = new TrafficSeries(windows, []) };

        var panel = Render<SlotTrafficPanel>(p => p.Add(c => c.App, app));

        var errors = panel.Find("[data-test=traffic-errors]");
        var height = double.Parse(errors.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture);
        var ys = errors.QuerySelector("[data-test=traffic-line]")!.GetAttribute("points")!.Split(' ')
            .Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToArray();
        // Stroke 1.5 wide: a line at the edge (height - 2, as before) merges with the panel's border.
        Assert.True(Assert.Single(ys) <= height - 3.5, $"the 0% line is drawn at y={ys[0]} of {height}");
        var axes = errors.ParentElement!.ParentElement!;
        Assert.Equal(
            ("1%", "0%", "15 min ago", "now"),
            (axes.QuerySelector("[data-test=axis-top]")?.TextContent, axes.QuerySelector("[data-test=axis-zero]")?.TextContent,
                axes.QuerySelector("[data-test=axis-start]")?.TextContent, axes.QuerySelector("[data-test=axis-end]")?.TextContent));
        Assert.Equal("3 requests/s", panel.Find("[data-test=traffic-requests]").ParentElement!.ParentElement!.QuerySelector("[data-test=axis-top]")?.TextContent);
    }

    [Fact]
    public void SlotTrafficPanel_WithoutTraffic_SaysSo() =>
        Assert.NotNull(Render<SlotTrafficPanel>(p => p.Add(c => c.App, Samples.Healthy())).Find("[data-test=traffic-empty]"));

    private static string Text(AngleSharp.Dom.IElement element) => string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void AppCard_NothingHealed_ShowsNoHealingNote() =>
        Assert.Empty(Render<AppCard>(p => p.Add(c => c.App, Samples.Healthy())).FindAll("[data-test=healing]"));

    [Fact]
    public void DrainProgress_ShowsWhatIsLeftAgainstEachDeadline()
    {
        var drain = Samples.Draining().Drain!;

        var view = Render<DrainProgress>(p => p
            .Add(c => c.Status, drain)
            .Add(c => c.Slot, Slot.Blue)
            .Add(c => c.RequestTimeout, TimeSpan.FromSeconds(30))
            .Add(c => c.SocketTimeout, TimeSpan.FromSeconds(10)));

        Assert.Contains("Draining blue", view.Markup);
        Assert.Equal("3 requests left, cut in 12.0 s", view.Find("[data-test=drain-requests]").TextContent.Trim());
        Assert.Equal("1 WebSocket left, cut in 4.0 s", view.Find("[data-test=drain-sockets]").TextContent.Trim());
    }

    [Theory]
    [InlineData(DeploymentStatus.Draining, 6)]
    [InlineData(DeploymentStatus.Completed, 7)]
    [InlineData(DeploymentStatus.RolledBack, 5)]
    public void DeploymentTimeline_ListsEveryStepWithItsDuration(DeploymentStatus status, int steps)
    {
        var deployment = Samples.Deployment(7, status, "shop:2.0");

        var view = Render<DeploymentTimeline>(p => p.Add(c => c.Deployment, deployment));

        var rendered = view.FindAll("[data-test=step]");
        Assert.Equal(steps, rendered.Count);
        Assert.Contains("1.5 s", rendered[0].TextContent);
        Assert.Contains(status.ToSnakeCase(), rendered[^1].TextContent);
    }

    [Theory]
    [InlineData(DeploymentStatus.Completed, "completed")]
    [InlineData(DeploymentStatus.RolledBack, "rolled_back")]
    [InlineData(DeploymentStatus.HealthChecking, "health_checking")]
    [InlineData(DeploymentStatus.Cancelled, "cancelled")]
    public void DeploymentStatusChip_ShowsTheApiName(DeploymentStatus status, string text) =>
        Assert.Equal(text, Render<DeploymentStatusChip>(p => p.Add(c => c.Status, status)).Find("[data-test=deployment-status]").TextContent.Trim());

    [Theory]
    [InlineData("shop:1.4.2", null)]
    [InlineData("", "Enter an image")]
    [InlineData("Not An Image", "not a valid image reference")]
    public void ValidateImage_ExplainsWhatIsWrong(string image, string? problem)
    {
        var error = ConsoleActions.ValidateImage(image);

        if (problem is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(problem, error);
        }
    }
}
