using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;

namespace Cutover.Tests.Unit.Engine.Deployments;

public sealed class DeploymentTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task FirstDeployment_StartsBlue_AndRoutesToIt_WithoutDraining()
    {
        var done = await _engine.DeployAsync("shop");

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(Slot.Blue, done.Slot);
        Assert.Equal(
            [DeploymentStatus.Queued, DeploymentStatus.Pulling, DeploymentStatus.Starting, DeploymentStatus.HealthChecking, DeploymentStatus.Switching, DeploymentStatus.Completed],
            done.Steps.Select(s => s.Status));
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
        Assert.True(_engine.Runtime.In("shop", Slot.Blue)!.Running);
        var state = await _engine.State.GetAsync("shop", CancellationToken.None);
        Assert.Equal((Slot.Blue, "demo:v1", done.Id), (state!.ActiveSlot!.Value, state.ActiveImage!, state.ActiveDeploymentId!.Value));
    }

    [Fact]
    public async Task Deploy_HealthyImage_SwitchesThenDrainsAndStopsTheOldSlot()
    {
        await _engine.DeployAsync("shop");

        var done = await _engine.DeployAsync("shop", "demo:v2");

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal((Slot.Green, Slot.Blue, "demo:v1"), (done.Slot, done.PreviousSlot!.Value, done.PreviousImage!));
        Assert.Contains(DeploymentStatus.Draining, done.Steps.Select(s => s.Status));
        Assert.Equal(Slot.Green, _engine.Traffic.ActiveOf("shop"));
        var calls = _engine.Traffic.Calls.ToArray();
        Assert.True(Array.IndexOf(calls, "route shop Green") < Array.IndexOf(calls, "drain shop Blue"), "the switch must come before the drain");
        var blue = _engine.Runtime.In("shop", Slot.Blue)!;
        Assert.False(blue.Running);
        Assert.Equal("demo:v1", blue.Image);
    }

    [Fact]
    public async Task Deploy_NeverHealthy_IsRolledBack_AndTheOldSlotKeepsServing()
    {
        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;

        var done = await _engine.DeployAsync("shop", "demo:v2");

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Contains("not healthy within the 10s deadline", done.Error);
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
        Assert.True(_engine.Runtime.In("shop", Slot.Blue)!.Running);
        Assert.False(_engine.Runtime.In("shop", Slot.Green)!.Running);
        Assert.DoesNotContain(_engine.Traffic.Calls, c => c.StartsWith("drain", StringComparison.Ordinal));
        var active = await _engine.State.GetAsync("shop", CancellationToken.None);
        Assert.Equal("demo:v1", active!.ActiveImage);
    }

    [Fact]
    public async Task Deploy_WhileAnotherRuns_IsRefused()
    {
        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;
        var first = await _engine.RequestAsync("shop", "demo:v2");

        var refused = await _engine.RefusedAsync("shop", "demo:v2");

        Assert.Equal((RefusalKind.UnderWay, first.Id), (refused.Kind, refused.Deployment));
        await _engine.WaitForEndAsync(first.Id);
    }

    [Fact]
    public async Task Deploy_DifferentApps_RunInParallel()
    {
        _engine.Probe.Failing[28081] = true;
        var shop = await _engine.RequestAsync("shop");

        var blog = await _engine.DeployAsync("blog");

        Assert.Equal(DeploymentStatus.Completed, blog.Status);
        Assert.Equal(DeploymentStatus.RolledBack, (await _engine.WaitForEndAsync(shop.Id)).Status);
    }

    [Fact]
    public async Task Deploy_PullNeverAndImageMissing_FailsWithAClearError()
    {
        var done = await _engine.DeployAsync("blog", "demo:v9");

        Assert.Equal(DeploymentStatus.Failed, done.Status);
        Assert.Contains("not present and the pull policy is 'never'", done.Error);
        Assert.Null(_engine.Traffic.ActiveOf("blog"));
    }

    [Fact]
    public async Task Deploy_MissingImage_IsPulledFirst()
    {
        var done = await _engine.DeployAsync("shop", "demo:v3");

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Contains("pull demo:v3", _engine.Runtime.Calls);
    }

    [Fact]
    public async Task Deploy_PullFailure_FailsAndNothingChanges()
    {
        await _engine.DeployAsync("shop");

        var done = await _engine.DeployAsync("shop", "registry.example/none:1");

        Assert.Equal(DeploymentStatus.Failed, done.Status);
        Assert.Contains("Pulling registry.example/none:1 failed", done.Error);
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task Deploy_InvalidImageReference_IsRefusedBeforeAnythingIsStored()
    {
        Assert.Equal(RefusalKind.Invalid, (await _engine.RefusedAsync("shop", "Not An Image")).Kind);

        Assert.Empty((await _engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Deploy_UnknownApp_IsRefused()
    {
        Assert.Equal(RefusalKind.UnknownApp, (await _engine.RefusedAsync("nope")).Kind);
    }

    [Fact]
    public async Task Rollback_StartsTheKeptContainer_WithoutPullingOrCreating()
    {
        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        var keptBlue = _engine.Runtime.In("shop", Slot.Blue)!.Id;
        _engine.Runtime.Calls.Clear();

        var done = await _engine.DeployAsync("shop", kind: DeploymentKind.Rollback);

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(("demo:v1", Slot.Blue), (done.Image, done.Slot));
        Assert.Equal(keptBlue, _engine.Runtime.In("shop", Slot.Blue)!.Id);
        Assert.DoesNotContain(_engine.Runtime.Calls, c => c.StartsWith("pull", StringComparison.Ordinal) || c.StartsWith("create", StringComparison.Ordinal));
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task Rollback_WithNothingToRollBackTo_IsRefused()
    {
        await _engine.DeployAsync("shop");

        var refused = await _engine.RefusedAsync("shop", kind: DeploymentKind.Rollback);
        Assert.Equal((RefusalKind.NoRollbackTarget, RollbackRefusal.NoEarlierRelease), (refused.Kind, refused.Rollback));
        Assert.Contains("shop has no earlier release to roll back to", refused.Reason);
    }

    [Fact]
    public async Task Rollback_AfterARolledBackDeployment_GoesToTheImageBeforeTheServingOne_NotToTheFailedOne()
    {
        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        _engine.Probe.Failing[28081] = true;
        var failed = await _engine.DeployAsync("shop", "demo:v3");
        _engine.Probe.Failing[28081] = false;

        var done = await _engine.DeployAsync("shop", kind: DeploymentKind.Rollback);

        Assert.Equal(DeploymentStatus.RolledBack, failed.Status);
        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(("demo:v1", Slot.Blue), (done.Image, done.Slot));
        Assert.Equal("demo:v1", (await _engine.State.GetAsync("shop", CancellationToken.None))!.ActiveImage);
    }

    [Fact]
    public async Task EveryTransition_IsAudited()
    {
        await _engine.DeployAsync("shop");

        var audit = await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None);

        Assert.Equal(["deployment.deploy", "deployment.completed"], audit.Select(a => a.Action));
        Assert.Equal("test", audit[0].Actor);
    }
}
