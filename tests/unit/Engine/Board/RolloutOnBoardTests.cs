using Cutover.Engine.Analysis;
using Cutover.Engine.Board;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;

namespace Cutover.Tests.Unit.Engine.Board;

/// <summary>What the console needs of a rollout reaches the app's status and card: the proxy's split, the preview address, each analysis result.</summary>
public sealed class RolloutOnBoardTests : IAsyncLifetime
{
    private const string AppsYaml = """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:29580
            slots: { blue: 29581, green: 29582 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            promotion: manual
            preview: { listen: 127.0.0.1:29589 }
        """;

    private readonly CancellationTokenSource _done = new(TimeSpan.FromSeconds(20));
    private EngineHarness _engine = null!;

    private AppBoard Board => _engine.Get<AppBoard>();

    async Task IAsyncLifetime.InitializeAsync() => _engine = await EngineHarness.StartAsync(AppsYaml);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _done.CancelAsync();
        await _engine.DisposeAsync();
        _done.Dispose();
    }

    [Fact]
    public async Task APausedDeployment_ShowsItsPreviewAddress_OnTheStatusAndTheCard()
    {
        var paused = await PausedAsync();

        var status = await _engine.Get<AppStatusReader>().GetAsync("shop", _done.Token);
        Assert.Equal("127.0.0.1:29589", status!.Preview);
        await Eventually.HoldsAsync(async () => (await CardAsync()).Status.Preview == "127.0.0.1:29589", "the card shows the preview");
        Assert.Equal(paused.Id, (await CardAsync()).Running!.Id);
    }

    [Fact]
    public async Task ACanarySplit_ReachesTheStatusAndTheCard_AndLeavesThemAtTheSwitch()
    {
        await PausedAsync();
        var split = new TrafficSplit(Slot.Blue, Slot.Green, 25, Sticky: true);

        _engine.Traffic.Split("shop", split);

        Assert.Equal(split, (await _engine.Get<AppStatusReader>().GetAsync("shop", _done.Token))!.Split);
        await Eventually.HoldsAsync(async () => (await CardAsync()).Status.Split == split, "the card shows the split");

        _engine.Traffic.Route("shop", Slot.Green);
        await Eventually.HoldsAsync(async () => (await CardAsync()).Status.Split is null, "the card drops the split once one slot takes all");
    }

    [Fact]
    public async Task EachAnalysisResult_IsAddedToTheRunningDeployment_AsItComes()
    {
        var paused = await PausedAsync();
        // The board follows the engine's events from its first reader on.
        await Eventually.HoldsAsync(async () => (await CardAsync()).Running?.Id == paused.Id, "the card shows the paused deployment");
        var at = _engine.Time.GetUtcNow();
        var first = new AnalysisView("canary", 25, at, at.AddSeconds(10), AnalysisOutcome.Passed, 120, 1, 1 / 120.0, 80, "error rate 0.8% <= 5%");
        var second = first with { Start = at.AddSeconds(10), End = at.AddSeconds(20), Outcome = AnalysisOutcome.Inconclusive, Requests = 3 };

        _engine.Get<EngineEventStream>().Publish(new DeploymentAnalyzed(at, "shop", paused.Id, first));
        _engine.Get<EngineEventStream>().Publish(new DeploymentAnalyzed(at, "shop", paused.Id, second));
        // Another deployment's result is not this one's.
        _engine.Get<EngineEventStream>().Publish(new DeploymentAnalyzed(at, "shop", paused.Id + 100, first));

        await Eventually.HoldsAsync(async () => (await CardAsync()).Running?.Analyses.Count == 2, "both results are on the card");
        Assert.Equal([first, second], (await CardAsync()).Running!.Analyses);
    }

    private async Task<DeploymentView> PausedAsync()
    {
        await _engine.DeployAsync("shop");
        var deployment = await _engine.RequestAsync("shop", "demo:v2");
        await Eventually.HoldsAsync(async () => (await _engine.Deployments.GetAsync(deployment.Id, _done.Token))!.Status == DeploymentStatus.Paused, "the deployment pauses");
        return deployment;
    }

    private async Task<LiveApp> CardAsync() => (await Board.SnapshotAsync(_done.Token)).Apps.Single(a => a.Name == "shop");
}
