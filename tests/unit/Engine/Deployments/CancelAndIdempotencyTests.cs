using Cutover.Engine.Deployments;
using Cutover.Engine.Model;

namespace Cutover.Tests.Unit.Engine.Deployments;

/// <summary>Cancel before and after the point of no return; retried requests with an idempotency key.</summary>
public sealed class CancelAndIdempotencyTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Cancel_BeforeTheSwitch_StopsTheNewContainer_AndTheOldSlotKeepsServing()
    {
        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;
        var running = await _engine.RequestAsync("shop", "demo:v2");
        await WaitForStatusAsync(running.Id, DeploymentStatus.HealthChecking);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.CancelAsync(running.Id, "ui:alice", "127.0.0.1", CancellationToken.None));
        var done = await _engine.WaitForEndAsync(running.Id);

        Assert.Equal(DeploymentStatus.Cancelled, done.Status);
        Assert.Equal("cancelled by ui:alice before the switch; blue keeps serving", done.Error);
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
        Assert.False(_engine.Runtime.In("shop", Slot.Green)!.Running);
        Assert.DoesNotContain(_engine.Traffic.Calls, c => c.StartsWith("drain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_AfterTheSwitch_IsRefused_AndTheDeploymentCompletes()
    {
        await _engine.DeployAsync("shop");
        _engine.Traffic.HoldDrains = new TaskCompletionSource();
        var running = await _engine.RequestAsync("shop", "demo:v2");
        await WaitForStatusAsync(running.Id, DeploymentStatus.Draining);

        var refused = await CancelRefusedAsync(running.Id);
        _engine.Traffic.HoldDrains.SetResult();

        Assert.Contains("already switched", refused.Reason);
        Assert.Equal(DeploymentStatus.Completed, (await _engine.WaitForEndAsync(running.Id)).Status);
        Assert.Equal(Slot.Green, _engine.Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task Cancel_OfAFinishedOrUnknownDeployment_IsRefusedWithTheReason()
    {
        var done = await _engine.DeployAsync("shop");

        var finished = await CancelRefusedAsync(done.Id);
        var unknown = await CancelRefusedAsync(9999);

        Assert.Equal($"Deployment {done.Id} has already ended: completed.", finished.Reason);
        Assert.Equal("There is no deployment 9999.", unknown.Reason);
        Assert.Equal((RefusalKind.CannotCancel, RefusalKind.UnknownDeployment), (finished.Kind, unknown.Kind));
    }

    [Fact]
    public async Task Request_WithAKeyAlreadyUsed_ReturnsTheFirstDeployment_WhileRunningAndAfter()
    {
        await _engine.DeployAsync("shop");
        _engine.Traffic.HoldDrains = new TaskCompletionSource();
        var first = await RequestWithKeyAsync("demo:v2", "k-1");
        var whileRunning = await RequestWithKeyAsync("demo:v2", "k-1");
        _engine.Traffic.HoldDrains.SetResult();
        await _engine.WaitForEndAsync(first.Deployment.Id);
        var afterwards = await RequestWithKeyAsync("demo:v2", "k-1");

        Assert.False(first.Replayed);
        Assert.True(whileRunning.Replayed && afterwards.Replayed);
        Assert.Equal(first.Deployment.Id, whileRunning.Deployment.Id);
        Assert.Equal(first.Deployment.Id, afterwards.Deployment.Id);
        Assert.Equal(2, (await _engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Request_WithAKeyUsedForAnotherImage_IsRefused()
    {
        var first = await RequestWithKeyAsync("demo:v1", "k-2");
        await _engine.WaitForEndAsync(first.Deployment.Id);

        var refused = Assert.IsType<Admission.Refused>(await RequestAsync("demo:v2", "k-2")).Refusal;

        Assert.Equal((RefusalKind.KeyReused, first.Deployment.Id), (refused.Kind, refused.Deployment));
    }

    [Fact]
    public async Task Stats_CountOutcomes_AndTakeMedianAndP95OfDurations()
    {
        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;
        await _engine.DeployAsync("shop", "demo:v2");

        var stats = Assert.Single(await _engine.Deployments.StatsAsync("shop", CancellationToken.None));

        Assert.Equal((2, 1, 1, 0, 0), (stats.Total, stats.Completed, stats.RolledBack, stats.Failed, stats.Cancelled));
        Assert.Equal(0.5, stats.SuccessRate);
        Assert.True(stats.P95Seconds >= stats.MedianSeconds, $"p95 {stats.P95Seconds} < median {stats.MedianSeconds}");
    }

    private async Task<Admission.Accepted> RequestWithKeyAsync(string image, string key) => Assert.IsType<Admission.Accepted>(await RequestAsync(image, key));

    private Task<Admission> RequestAsync(string image, string key) =>
        _engine.Coordinator.RequestAsync(new DeploymentRequest("shop", image, DeploymentKind.Deploy, "s3dock", IdempotencyKey: key), CancellationToken.None);

    private async Task<Refusal> CancelRefusedAsync(long id) =>
        Assert.IsType<Admission.Refused>(await _engine.Coordinator.CancelAsync(id, "test", null, CancellationToken.None)).Refusal;

    private async Task WaitForStatusAsync(long id, DeploymentStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await _engine.Deployments.GetAsync(id, CancellationToken.None))!.Status != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"deployment {id} never reached {status}");
            await Task.Delay(5);
        }
    }
}
