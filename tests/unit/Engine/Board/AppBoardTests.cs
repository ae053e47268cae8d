using System.Data.Common;
using Cutover.Engine.Board;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Traffic;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Engine.Board;

/// <summary>The board's snapshot-then-changes contract, over the real engine (fake Docker, proxy and clock).</summary>
public sealed class AppBoardTests : IAsyncLifetime
{
    private readonly CountedReads _reads = new();
    private readonly CancellationTokenSource _done = new(TimeSpan.FromSeconds(20));
    private EngineHarness _engine = null!;

    private AppBoard Board => _engine.Get<AppBoard>();

    async Task IAsyncLifetime.InitializeAsync() =>
        _engine = await EngineHarness.StartAsync(configure: services => services.ConfigureDbContext<CutoverDbContext>(db => db.AddInterceptors(_reads)));

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _done.CancelAsync();
        await _engine.DisposeAsync();
        _done.Dispose();
    }

    [Fact]
    public async Task Subscribe_ThenADeployment_ComesAsChangesAfterTheSnapshot_EachVersionOnce()
    {
        var subscription = await Board.SubscribeAsync(_done.Token);
        Assert.Equal(["blog", "shop"], subscription.Snapshot.Apps.Select(a => a.Name));
        Assert.Null(subscription.Snapshot.Apps[1].Status.ActiveSlot);

        await _engine.DeployAsync("shop");

        var changes = await ReadUntilAsync(subscription.Changes, c => c.App?.Last?.Status == Cutover.Engine.Deployments.DeploymentStatus.Completed);
        Assert.All(changes, c => Assert.Equal("shop", c.Name));
        Assert.True(changes[0].Version > subscription.Snapshot.Version);
        Assert.Equal(changes.Select(c => c.Version).Order(), changes.Select(c => c.Version));
        Assert.Equal(changes.Count, changes.Select(c => c.Version).Distinct().Count());
        Assert.Equal(Slot.Blue, changes[^1].App!.Status.ActiveSlot);
    }

    [Fact]
    public async Task ALaterSubscriber_GetsTheChangeInItsSnapshot_AndNotAgainAsAChange()
    {
        var first = await Board.SubscribeAsync(_done.Token);
        await _engine.DeployAsync("shop");
        await ReadUntilAsync(first.Changes, c => c.App?.Last is not null);

        var second = await Board.SubscribeAsync(_done.Token);

        Assert.NotNull(second.Snapshot.Apps.Single(a => a.Name == "shop").Last);
        Assert.True(second.Snapshot.Version > first.Snapshot.Version);
        _engine.Traffic.SetInFlight("shop", new InFlight(1, 0), default);
        var next = await ReadUntilAsync(second.Changes, _ => true);
        Assert.True(next[0].Version > second.Snapshot.Version);
    }

    [Fact]
    public async Task ADeploymentOfOneApp_ReadsAndChangesThatAppOnly()
    {
        var subscription = await Board.SubscribeAsync(_done.Token);
        var blogBefore = subscription.Snapshot.Apps.Single(a => a.Name == "blog");

        await _engine.DeployAsync("shop");
        var changes = await ReadUntilAsync(subscription.Changes, c => c.App?.Last is not null);

        Assert.DoesNotContain(changes, c => c.Name == "blog");
        Assert.Same(blogBefore, (await Board.SnapshotAsync(_done.Token)).Apps.Single(a => a.Name == "blog"));
    }

    [Fact]
    public async Task MoreSubscribers_ReadNothingMore()
    {
        await Board.SubscribeAsync(_done.Token);
        var before = _reads.Count;

        for (var i = 0; i < 5; i++)
        {
            await Board.SubscribeAsync(_done.Token);
        }

        Assert.Equal(before, _reads.Count);
    }

    [Fact]
    public async Task InFlightCounts_ArePushedByTheProxy_WithoutTimePassing()
    {
        await _engine.DeployAsync("shop");
        var subscription = await Board.SubscribeAsync(_done.Token);
        var reads = _reads.Count;

        _engine.Traffic.SetInFlight("shop", new InFlight(3, 1), default);

        var changes = await ReadUntilAsync(subscription.Changes, c => c.App?.Status.InFlight == new InFlight(3, 1));
        Assert.Equal(new InFlight(3, 1), changes[^1].App!.Status.Slots.Single(s => s.Slot == Slot.Blue).InFlight);
        Assert.Equal(reads, _reads.Count);
    }

    [Fact]
    public async Task AClosedTrafficWindow_ReachesTheAppsCard_WithoutReadingTheDatabase()
    {
        await _engine.DeployAsync("shop");
        var subscription = await Board.SubscribeAsync(_done.Token);
        var reads = _reads.Count;
        var window = new TrafficSample(DateTimeOffset.UnixEpoch, TrafficSeries.Window, 20, 1, 12.5);

        _engine.Traffic.CloseWindow("shop", new TrafficSeries([window], [window with { Requests = 0, Errors = 0, P95Ms = null }]));

        var changes = await ReadUntilAsync(subscription.Changes, c => c.App?.Traffic is not null);
        Assert.Equal("shop", changes[^1].Name);
        Assert.Equal([window], changes[^1].App!.Traffic!.Blue);
        Assert.Equal(reads, _reads.Count);
    }

    [Fact]
    public async Task Snapshot_RightAfterADeploymentEnds_AlreadyShowsIt()
    {
        await Board.SubscribeAsync(_done.Token);

        await _engine.DeployAsync("shop");
        var shop = (await Board.SnapshotAsync(_done.Token)).Apps.Single(a => a.Name == "shop");

        Assert.Equal((Slot.Blue, "demo:v1", (long?)null), (shop.Status.ActiveSlot, shop.Status.ActiveImage, shop.Status.RunningDeploymentId));
    }

    [Fact]
    public async Task ASubscriberThatStops_IsLetGo_AndOthersGoOn()
    {
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(_done.Token);
        var left = await Board.SubscribeAsync(leaving.Token);
        var staying = await Board.SubscribeAsync(_done.Token);

        await leaving.CancelAsync();
        await _engine.DeployAsync("shop");

        Assert.NotEmpty(await ReadUntilAsync(staying.Changes, c => c.App?.Last is not null));
        await using var ended = left.Changes.GetAsyncEnumerator(leaving.Token);
        try
        {
            Assert.False(await ended.MoveNextAsync());
        }
        catch (OperationCanceledException)
        {
            // Ended by its own token: as good as completed.
        }
    }

    [Fact]
    public async Task StartedBeforeReconciliation_ReadsEveryAppAgain_OnceReconciled()
    {
        // A readiness of its own that has not seen reconciliation, as right after a restart.
        var readiness = ActivatorUtilities.CreateInstance<Cutover.Engine.Hosting.EngineReadiness>(_engine.Services);
        await using var board = ActivatorUtilities.CreateInstance<AppBoard>(_engine.Services, readiness);
        var subscription = await board.SubscribeAsync(_done.Token);

        // Reconciliation writes what it finds without an event for each change.
        await _engine.State.SetActiveAsync("shop", Slot.Green, "demo:v2", null, _done.Token);
        readiness.MarkReconciled();

        var changes = await ReadUntilAsync(subscription.Changes, c => c.App?.Status.ActiveImage == "demo:v2");
        Assert.Equal("shop", changes[^1].Name);
    }

    private async Task<List<BoardChange>> ReadUntilAsync(IAsyncEnumerable<BoardChange> changes, Func<BoardChange, bool> last)
    {
        var read = new List<BoardChange>();
        await foreach (var change in changes.WithCancellation(_done.Token))
        {
            read.Add(change);
            if (last(change))
            {
                return read;
            }
        }

        return read;
    }

    /// <summary>Counts the queries the engine sends to SQLite.</summary>
    private sealed class CountedReads : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Interlocked.Increment(ref _count);
            return result;
        }
    }
}
