using Cutover.Engine.Audit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;

namespace Cutover.Tests.Unit.Engine.Board;

/// <summary>The audit and deployment feeds: the newest items, then each new one, none twice and none lost.</summary>
public sealed class FeedTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _done = new(TimeSpan.FromSeconds(20));
    private EngineHarness _engine = null!;

    async Task IAsyncLifetime.InitializeAsync() => _engine = await EngineHarness.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _done.CancelAsync();
        await _engine.DisposeAsync();
        _done.Dispose();
    }

    [Fact]
    public async Task AuditFeed_GivesTheNewestMatchingEntries_ThenEachNewOneOnce()
    {
        var log = _engine.Get<AuditLog>();
        for (var i = 1; i <= 4; i++)
        {
            await log.AppendAsync("test", "feed.before", "ok", i % 2 == 0 ? "shop" : "blog", $"#{i}", _done.Token);
        }

        var subscription = await _engine.Get<AuditFeed>().SubscribeAsync(new AuditFilter(App: "shop"), 1, _done.Token);
        await log.AppendAsync("test", "feed.after", "ok", "blog", "not shop", _done.Token);
        await log.AppendAsync("test", "feed.after", "ok", "shop", "new", _done.Token);

        Assert.Equal(("#4", 2), (subscription.Latest.Single().Detail, subscription.Total));
        await using var changes = subscription.Changes.GetAsyncEnumerator(_done.Token);
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(("shop", "new"), (changes.Current.App, changes.Current.Detail));
    }

    [Fact]
    public async Task DeploymentFeed_GivesTheNewestDeployments_ThenEveryStepOfANewOne()
    {
        await _engine.DeployAsync("blog");

        var subscription = await _engine.Get<DeploymentFeed>().SubscribeAsync("shop", null, 10, _done.Token);
        var deployed = await _engine.DeployAsync("shop");

        Assert.Empty(subscription.Latest);
        var seen = new List<DeploymentView>();
        await foreach (var change in subscription.Changes.WithCancellation(_done.Token))
        {
            seen.Add(change);
            if (change.Status.IsTerminal())
            {
                break;
            }
        }

        Assert.All(seen, d => Assert.Equal(deployed.Id, d.Id));
        Assert.Equal(DeploymentStatus.Queued, seen[0].Status);
        Assert.Equal(DeploymentStatus.Completed, seen[^1].Status);
    }
}
