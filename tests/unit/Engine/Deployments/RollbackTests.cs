using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;

namespace Cutover.Tests.Unit.Engine.Deployments;

/// <summary>Where a rollback goes (the release before the current one, or the one named) and how it starts it.</summary>
public sealed class RollbackTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Rollback_AfterARedeploy_GoesToThePreviousRelease_NotToTheRedeployedImage()
    {
        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        await _engine.DeployAsync("shop", kind: DeploymentKind.Redeploy);

        var done = await _engine.DeployAsync("shop", kind: DeploymentKind.Rollback);

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal("demo:v1", done.Image);
        Assert.Equal("demo:v1", (await _engine.State.GetAsync("shop", CancellationToken.None))!.ActiveImage);
    }

    [Fact]
    public async Task Rollback_Twice_GoesBackToTheReleaseThatServedBeforeEachTime()
    {
        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");

        var first = await _engine.DeployAsync("shop", kind: DeploymentKind.Rollback);
        var second = await _engine.DeployAsync("shop", kind: DeploymentKind.Rollback);

        Assert.Equal(("demo:v1", DeploymentStatus.Completed), (first.Image, first.Status));
        Assert.Equal(("demo:v2", DeploymentStatus.Completed), (second.Image, second.Status));
    }

    [Fact]
    public async Task Plan_NamesTheTarget_AndTheEarlierReleasesNewestFirst_OnceEach()
    {
        var v1 = await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        var redeployOfV2 = await _engine.DeployAsync("shop", kind: DeploymentKind.Redeploy);
        var v3 = await _engine.DeployAsync("shop", "demo:v3");
        _engine.Probe.Failing[28081] = true;
        await _engine.DeployAsync("shop", "demo:v4");

        var plan = await _engine.Get<RollbackTargets>().PlanAsync("shop", null, CancellationToken.None);

        Assert.Equal(("demo:v3", "demo:v2", redeployOfV2.Id), (plan.Serving, plan.Target.Image, plan.Target.DeploymentId));
        Assert.Equal([("demo:v2", redeployOfV2.Id), ("demo:v1", v1.Id)], plan.Releases.Select(r => (r.Image, r.DeploymentId)));
        Assert.Equal(redeployOfV2.FinishedAt, plan.Target.CompletedAt);
        Assert.DoesNotContain(plan.Releases, r => r.DeploymentId == v3.Id);
    }

    [Fact]
    public async Task Rollback_ToAnImage_GoesToThatRelease()
    {
        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        await _engine.DeployAsync("shop", "demo:v3");

        var done = await RollBackAsync(RollbackTo.ToImage("demo:v1"));

        Assert.Equal(("demo:v1", DeploymentStatus.Completed), (done.Image, done.Status));
    }

    [Fact]
    public async Task Rollback_ToADeploymentId_GoesToItsImage_AndTheAuditNamesIt()
    {
        var v1 = await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        await _engine.DeployAsync("shop", "demo:v3");

        var done = await RollBackAsync(RollbackTo.ToDeployment(v1.Id));

        Assert.Equal(("demo:v1", DeploymentStatus.Completed), (done.Image, done.Status));
        var audit = await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None);
        Assert.Contains(audit, a => a.Action == "deployment.rollback" && a.Outcome == "ok" && a.Detail!.Contains($"(the release of deployment {v1.Id})"));
    }

    [Fact]
    public async Task Rollback_ToWhatCannotBeGoneBackTo_IsRefusedWithWhy_AndAudited()
    {
        var v1 = await _engine.DeployAsync("shop");
        var v2 = await _engine.DeployAsync("shop", "demo:v2");
        _engine.Probe.Failing[28081] = true;
        var neverHealthy = await _engine.DeployAsync("shop", "demo:v3");
        var blog = await _engine.DeployAsync("blog");

        var unknown = await RefusedAsync(RollbackTo.ToDeployment(987654));
        var otherApp = await RefusedAsync(RollbackTo.ToDeployment(blog.Id));
        var notCompleted = await RefusedAsync(RollbackTo.ToDeployment(neverHealthy.Id));
        var serving = await RefusedAsync(RollbackTo.ToDeployment(v2.Id));
        var neverServed = await RefusedAsync(RollbackTo.ToImage("demo:v9"));
        var invalid = await RefusedAsync(RollbackTo.ToImage("Not An Image"));

        Assert.Equal((RollbackRefusal.UnknownDeployment, "There is no deployment 987654."), (unknown.Rollback, unknown.Reason));
        Assert.Equal(RollbackRefusal.OtherApp, otherApp.Rollback);
        Assert.Contains($"Deployment {blog.Id} is of blog, not shop", otherApp.Reason);
        Assert.Equal(RollbackRefusal.NotCompleted, notCompleted.Rollback);
        Assert.Contains("never completed, so demo:v3 never served as a release: it ended rolled_back (not healthy", notCompleted.Reason);
        Assert.Equal(RollbackRefusal.AlreadyServing, serving.Rollback);
        Assert.Contains("shop already serves demo:v2", serving.Reason);
        Assert.Equal(RollbackRefusal.NotARelease, neverServed.Rollback);
        Assert.Contains("demo:v9 never completed a deployment of shop", neverServed.Reason);
        Assert.Equal(RefusalKind.Invalid, invalid.Kind);
        Assert.Contains("not a valid image reference", invalid.Reason);

        var refusals = (await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None))
            .Where(a => a.Action == "deployment.rollback" && a.Outcome == "refused").ToArray();
        Assert.Equal(6, refusals.Length);
        Assert.Contains(refusals, a => a.Detail == "to deployment 987654: There is no deployment 987654.");
        Assert.Equal([neverHealthy.Id, v2.Id, v1.Id], (await _engine.Deployments.ListAsync("shop", null, 0, 50, CancellationToken.None)).Items.Select(d => d.Id));
    }

    [Fact]
    public async Task Rollback_WhenTheKeptContainerIsGone_StartsTheImageAgain_WithoutPulling_EvenWithPullAlways()
    {
        await using var engine = await EngineHarness.StartAsync(EngineHarness.AppsYaml.Replace("    image: demo:v1\n    listen: 127.0.0.1:28080", "    image: demo:v1\n    pull: always\n    listen: 127.0.0.1:28080"));
        await engine.DeployAsync("shop");
        await engine.DeployAsync("shop", "demo:v2");
        var kept = engine.Runtime.In("shop", Slot.Blue)!;
        await engine.Runtime.RemoveAsync(kept.Id, CancellationToken.None);
        engine.Runtime.Calls.Clear();

        var done = await engine.DeployAsync("shop", kind: DeploymentKind.Rollback);

        Assert.Equal(("demo:v1", DeploymentStatus.Completed), (done.Image, done.Status));
        Assert.Contains("create cutover-shop-blue demo:v1", engine.Runtime.Calls);
        Assert.DoesNotContain(engine.Runtime.Calls, c => c.StartsWith("pull", StringComparison.Ordinal));
        Assert.Contains(done.Steps, s => s.Status == DeploymentStatus.Pulling && s.Message!.StartsWith("the kept cutover-shop-blue is gone; a rollback pulls only an absent image; demo:v1 is present", StringComparison.Ordinal));
        Assert.True(engine.Runtime.In("shop", Slot.Blue)!.Running);
    }

    [Fact]
    public async Task Rollback_WhenTheKeptContainerHoldsAnotherImage_StartsTheTargetAfresh()
    {
        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        await _engine.DeployAsync("shop", "demo:v3");
        var keptGreen = _engine.Runtime.In("shop", Slot.Green)!;
        _engine.Runtime.Calls.Clear();

        var done = await RollBackAsync(RollbackTo.ToImage("demo:v1"));

        Assert.Equal(("demo:v1", Slot.Green, DeploymentStatus.Completed), (done.Image, done.Slot, done.Status));
        Assert.NotEqual(keptGreen.Id, _engine.Runtime.In("shop", Slot.Green)!.Id);
        Assert.Contains("create cutover-shop-green demo:v1", _engine.Runtime.Calls);
        Assert.DoesNotContain(_engine.Runtime.Calls, c => c.StartsWith("pull", StringComparison.Ordinal));
        Assert.Equal("demo:v1", _engine.Runtime.In("shop", Slot.Green)!.Image);
    }

    private async Task<DeploymentView> RequestRollbackAsync(RollbackTo to) =>
        (await RequestRollbackAdmissionAsync(to)).AcceptedDeployment();

    private Task<Admission> RequestRollbackAdmissionAsync(RollbackTo to) =>
        _engine.Coordinator.RequestAsync(new DeploymentRequest("shop", null, DeploymentKind.Rollback, "test", "unit test", To: to), CancellationToken.None);

    private async Task<DeploymentView> RollBackAsync(RollbackTo to) => await _engine.WaitForEndAsync((await RequestRollbackAsync(to)).Id);

    private async Task<Refusal> RefusedAsync(RollbackTo to) => Assert.IsType<Admission.Refused>(await RequestRollbackAdmissionAsync(to)).Refusal;
}
