using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Tests.Unit.Engine.Images;

/// <summary>retain_images: after each completed deployment, pulled images beyond the newest N that no container uses go, audited.</summary>
public sealed class ImageRetentionTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync("""
        apps:
          shop:
            image: demo:v1
            pull: always
            retain_images: 1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            health: { interval: 1s, healthy_after: 1, deadline: 5s }
          blog:
            image: demo:v1
            pull: missing
            retain_images: 0
            listen: 127.0.0.1:28090
            slots: { blue: 28091, green: 28092 }
            health: { interval: 1s, healthy_after: 1, deadline: 5s }
        """);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Deploying_RemovesPulledImagesBeyondTheNewest_ButNeverOneASlotHolds_AndAuditsEach()
    {
        foreach (var image in new[] { "demo:v1", "demo:v2", "demo:v3", "demo:v4" })
        {
            await DeployAsync("shop", image);
        }

        // v4 serves, v3 is kept for a rollback: both stay though only one is retained; v1 and v2 are gone.
        Assert.Equal(["demo:v3", "demo:v4"], _engine.Runtime.Images.Where(i => i.StartsWith("demo:v", StringComparison.Ordinal)).Order());
        Assert.Equal(["shop demo:v1", "shop demo:v2"], await RemovalsAuditedAsync());
    }

    [Fact]
    public async Task Deploying_NeverRemovesAnImageLoadedByHand_NorOneAnotherContainerUses_UntilItIsFree()
    {
        // demo:v1 and demo:v2 are on disk already (loaded by hand): with pull 'missing' they are never pulled.
        await DeployAsync("blog", "demo:v1");
        await DeployAsync("blog", "demo:v5");
        _engine.Runtime.UsedElsewhere["demo:v5"] = true;
        await DeployAsync("blog", "demo:v6");
        await DeployAsync("blog", "demo:v2");

        // retain_images 0, but v5 is used by a container outside Cutover, v6 is kept for a rollback, v1 was never pulled.
        Assert.Equal(["demo:v1", "demo:v2", "demo:v5", "demo:v6"], _engine.Runtime.Images.Where(i => i.StartsWith("demo:v", StringComparison.Ordinal)).Order());
        Assert.Empty(await RemovalsAuditedAsync());

        _engine.Runtime.UsedElsewhere.Clear();
        await DeployAsync("blog", "demo:v1");

        Assert.Equal(["demo:v1", "demo:v2"], _engine.Runtime.Images.Where(i => i.StartsWith("demo:v", StringComparison.Ordinal)).Order());
        Assert.Equal(["blog demo:v5", "blog demo:v6"], await RemovalsAuditedAsync());
    }

    [Fact]
    public async Task ADeployRightAfterOneEnded_WaitsForItsImageRemovals_InsteadOfA409NamingTheEndedDeployment()
    {
        await DeployAsync("shop", "demo:v1");
        await DeployAsync("shop", "demo:v2");
        _engine.Runtime.RemovalHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _engine.Time.Advance(TimeSpan.FromMinutes(1));
        var ended = await _engine.RequestAsync("shop", "demo:v3");
        await Eventually.HoldsAsync(async () => (await _engine.Deployments.GetAsync(ended.Id, CancellationToken.None))!.Status.IsTerminal(), "deployment 3 ended");
        await Eventually.HoldsAsync(() => _engine.Runtime.Calls.Contains("rmi demo:v1"), "its retention removing demo:v1");

        // Whoever saw deployment 3 completed deploys again while its retention still removes demo:v1.
        _engine.Time.Advance(TimeSpan.FromMinutes(1));
        var next = _engine.RequestAsync("shop", "demo:v4");
        await Task.Delay(200);
        Assert.False(next.IsCompleted, "the request did not wait for the ended deployment's after-work");
        _engine.Runtime.RemovalHold.SetResult();

        var admitted = await next;
        Assert.Equal(DeploymentStatus.Completed, (await _engine.WaitForEndAsync(admitted.Id)).Status);
    }


    private async Task DeployAsync(string app, string image)
    {
        // Each pull a minute after the previous one, so "newest" is never a tie.
        _engine.Time.Advance(TimeSpan.FromMinutes(1));
        var deployment = await _engine.DeployAsync(app, image);
        Assert.Equal(DeploymentStatus.Completed, deployment.Status);
    }

    private async Task<IReadOnlyList<string>> RemovalsAuditedAsync()
    {
        await using var db = await _engine.Get<IDbContextFactory<CutoverDbContext>>().CreateDbContextAsync();
        var removals = await db.AuditEvents.Where(a => a.Action == "image.removed").ToListAsync();
        return removals.Select(a => $"{a.App} {a.Detail![..a.Detail!.IndexOf(": beyond", StringComparison.Ordinal)]}").Order().ToList();
    }
}
