using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Cutover.Tests.Unit.Engine;
using Cutover.Web.ConsoleState;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The app page's container output: the tail, then followed lines, batched for rendering, and how following ends.</summary>
public sealed class ContainerOutputFeedTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _renderClock = new();
    private EngineHarness _engine = null!;
    private ContainerOutputFeed _feed = null!;
    private int _changes;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        await _engine.DeployAsync("shop");
        _engine.Runtime.LogLines = ["one", "two"];
        var details = new AppDetails(
            _engine.Get<AppsConfigMonitor>(),
            _engine.Get<DeploymentStore>(),
            _engine.Get<HealthStore>(),
            _engine.Get<ContainerOutput>(),
            _engine.Get<RollbackTargets>());
        _feed = new ContainerOutputFeed(details, _renderClock);
        _feed.Changed += () => Interlocked.Increment(ref _changes);
    }

    public async Task DisposeAsync()
    {
        await _feed.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task Tail_ShowsTheLastLines_OfTheSlot()
    {
        await _feed.ShowTailAsync("shop", Slot.Blue, CancellationToken.None);

        Assert.Equal(["one", "two"], _feed.Lines);
        Assert.Null(_feed.Problem);
        Assert.False(_feed.Following);
    }

    [Fact]
    public async Task Tail_OfASlotWithoutContainer_SaysSo()
    {
        await _feed.ShowTailAsync("shop", Slot.Green, CancellationToken.None);

        Assert.Empty(_feed.Lines);
        Assert.Equal("shop has no green container.", _feed.Problem);
    }

    [Fact]
    public async Task Follow_ShowsTheTailThenEachNewLine_AndRendersABurstOnce()
    {
        await _feed.FollowAsync("shop", Slot.Blue);
        await Eventually.HoldsAsync(() => _feed.Lines.Count == 2, "_feed.Lines.Count == 2");
        _renderClock.Advance(ContainerOutputFeed.RenderInterval);
        await Eventually.HoldsAsync(() => Volatile.Read(ref _changes) == 1, "Volatile.Read(ref _changes) == 1");

        foreach (var line in Enumerable.Range(1, 50).Select(i => $"line {i}"))
        {
            await _engine.Runtime.FollowedOutput.Writer.WriteAsync(line);
        }

        await Eventually.HoldsAsync(() => _feed.Lines.Count == 52, "_feed.Lines.Count == 52");
        Assert.Equal(1, Volatile.Read(ref _changes));
        _renderClock.Advance(ContainerOutputFeed.RenderInterval);
        await Eventually.HoldsAsync(() => Volatile.Read(ref _changes) == 2, "Volatile.Read(ref _changes) == 2");
        Assert.Equal("line 50", _feed.Lines[^1]);
        Assert.True(_feed.Following);
    }

    [Fact]
    public async Task Follow_KeepsOnlyTheLastTailLines()
    {
        await _feed.FollowAsync("shop", Slot.Blue);
        for (var i = 0; i < ContainerOutputFeed.Tail + 10; i++)
        {
            await _engine.Runtime.FollowedOutput.Writer.WriteAsync($"line {i}");
        }

        await Eventually.HoldsAsync(() => _feed.Lines.Count > 0 && _feed.Lines[^1] == $"line {ContainerOutputFeed.Tail + 9}", "_feed.Lines.Count > 0 && _feed.Lines[^1] == $\"line {ContainerOutputFeed.Tail + 9}\"");
        Assert.Equal(ContainerOutputFeed.Tail, _feed.Lines.Count);
        Assert.Equal("line 10", _feed.Lines[0]);
    }

    [Fact]
    public async Task ContainerStopping_EndsFollowing_AndSaysWhy()
    {
        await _feed.FollowAsync("shop", Slot.Blue);
        _engine.Runtime.FollowedOutput.Writer.Complete();

        await Eventually.HoldsAsync(() => !_feed.Following, "!_feed.Following");
        Assert.Equal("The blue container stopped; its output ends here.", _feed.Problem);
        Assert.Equal(["one", "two"], _feed.Lines);
    }

    [Fact]
    public async Task DockerFailing_EndsFollowing_WithItsMessage()
    {
        await _feed.FollowAsync("shop", Slot.Blue);
        _engine.Runtime.FollowedOutput.Writer.Complete(new ContainerRuntimeException("Docker Engine is not reachable"));

        await Eventually.HoldsAsync(() => !_feed.Following, "!_feed.Following");
        Assert.Equal("Docker Engine is not reachable", _feed.Problem);
    }

    [Fact]
    public async Task Stop_EndsFollowing_WithoutAProblem_AndLaterLinesAreNotShown()
    {
        await _feed.FollowAsync("shop", Slot.Blue);
        await Eventually.HoldsAsync(() => _feed.Lines.Count == 2, "_feed.Lines.Count == 2");

        await _feed.StopAsync();
        await _engine.Runtime.FollowedOutput.Writer.WriteAsync("after");
        await Task.Delay(100);

        // Nobody reads the stream any more: the line is still waiting in it.
        Assert.Equal(1, _engine.Runtime.FollowedOutput.Reader.Count);
        Assert.False(_feed.Following);
        Assert.Null(_feed.Problem);
        Assert.Equal(["one", "two"], _feed.Lines);
    }
}
