using Cutover.Engine.Board;
using Cutover.Engine.Model;
using Cutover.Tests.Unit.ConsoleUi;
using Cutover.Tests.Unit.Engine;
using Cutover.Web.Live;

namespace Cutover.Tests.Unit.Web;

/// <summary>The events hub's board stream: the snapshot first, then each app as it changes.</summary>
public sealed class EventsHubTests
{
    [Fact]
    public async Task WatchApps_GivesEveryAppFirst_ThenTheDeployedOneAsItChanges()
    {
        await using var engine = await EngineHarness.StartAsync();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var stream = new EventsHub(engine.Get<AppBoard>()).WatchApps(done.Token).GetAsyncEnumerator(done.Token);

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("snapshot", stream.Current.Kind);
        Assert.Equal(["blog", "shop"], stream.Current.Apps.Select(a => a.Name));
        var snapshot = stream.Current.Version;
        await engine.DeployAsync("shop");

        BoardMessage message;
        do
        {
            Assert.True(await stream.MoveNextAsync());
            message = stream.Current;
            Assert.Equal(("app", "shop"), (message.Kind, message.App));
            Assert.True(message.Version > snapshot);
        }
        while (message.Apps.Single().ActiveSlot != Slot.Blue || message.Apps.Single().RunningDeploymentId is not null);
    }

    [Fact]
    public async Task WatchApps_SendsNothing_WhenOnlyAnAppsTrafficWindowClosed()
    {
        await using var engine = await EngineHarness.StartAsync();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var stream = new EventsHub(engine.Get<AppBoard>()).WatchApps(done.Token).GetAsyncEnumerator(done.Token);
        Assert.True(await stream.MoveNextAsync());

        // The window reaches the board (the console redraws its charts), but no status changed: the hub stays quiet.
        engine.Traffic.CloseWindow("shop", Samples.Traffic());
        await engine.DeployAsync("blog");

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("blog", stream.Current.App);
    }
}
