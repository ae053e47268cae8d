using Cutover.Engine.Audit;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Hosting;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Tests.Unit.Engine.Fakes;

namespace Cutover.Tests.Unit.Engine.Hosting;

/// <summary>Recovery and apps.yaml edits keep to the desired image: the last completed deployment's, never an older apps.yaml one.</summary>
public sealed class DesiredStateTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private Recovery Recovery => _engine.Get<Recovery>();

    [Fact]
    public async Task Reconcile_ActiveContainerGone_StartsTheLastDeployedImage_NotTheAppsYamlOne()
    {
        await FirstStartAsync();
        var v2 = await _engine.DeployAsync("shop", "demo:v2");
        Assert.Equal(DeploymentStatus.Completed, v2.Status);
        await _engine.Runtime.RemoveAsync(_engine.Runtime.In("shop", v2.Slot)!.Id, CancellationToken.None);

        await Recovery.ReconcileAsync(CancellationToken.None);

        var healed = await _engine.WaitForEndAsync(await NewestIdAsync("shop"));
        Assert.True(healed.Id > v2.Id);
        Assert.Equal((DeploymentStatus.Completed, "demo:v2", "engine"), (healed.Status, healed.Image, healed.RequestedBy));
        Assert.Contains("starting demo:v2, the image of the last completed deployment", healed.Reason);
        Assert.Equal("demo:v2", (await _engine.State.GetAsync("shop", CancellationToken.None))!.ActiveImage);
    }

    [Fact]
    public async Task Reconcile_AfterAnApiDeploy_KeepsTheDeployedImage()
    {
        await FirstStartAsync();
        var v2 = await _engine.DeployAsync("shop", "demo:v2");

        await Recovery.RestoreRoutesAsync(CancellationToken.None);
        await Recovery.ReconcileAsync(CancellationToken.None);

        Assert.Equal(v2.Id, await NewestIdAsync("shop"));
        Assert.Equal("demo:v2", (await _engine.State.GetAsync("shop", CancellationToken.None))!.ActiveImage);
    }

    [Fact]
    public async Task Reconcile_AppsYamlImageEditedWhileStopped_DeploysIt()
    {
        await FirstStartAsync();
        // As if apps.yaml had said demo:v0 when Cutover last acted on it, and says demo:v1 now.
        await _engine.State.SetConfigImageAsync("shop", "demo:v0", CancellationToken.None);
        var before = await NewestIdAsync("shop");

        await Recovery.ReconcileAsync(CancellationToken.None);

        var edit = await _engine.WaitForEndAsync(await NewestIdAsync("shop"));
        Assert.True(edit.Id > before);
        Assert.Equal(("demo:v1", "config"), (edit.Image, edit.RequestedBy));
        Assert.Contains("while Cutover was stopped: demo:v0 -> demo:v1", edit.Reason);
        Assert.Equal("demo:v1", (await _engine.State.GetAsync("shop", CancellationToken.None))!.ConfigImage);
    }

    [Fact]
    public async Task Reconcile_UnlabelledContainerNobodyTracks_IsLeftAlone()
    {
        await FirstStartAsync();
        var unowned = _engine.Runtime.Add("shop", Slot.Green, "demo:v9", running: true, unlabelled: true);

        await Recovery.ReconcileAsync(CancellationToken.None);

        Assert.Contains(_engine.Runtime.Containers, c => c.Id == unowned.Id);
    }

    [Fact]
    public async Task AppsYamlEdit_WhileADeploymentRuns_IsQueuedAudited_AndDeployedAfterIt()
    {
        await FirstStartAsync();
        var before = _engine.Get<AppsConfigMonitor>().Current;
        // The green slot is not healthy yet, so this deployment is still under way when apps.yaml changes.
        _engine.Probe.Failing[28082] = true;
        var running = await _engine.RequestAsync("shop", "demo:v2");

        await File.WriteAllTextAsync(_engine.Get<AppsConfigMonitor>().FilePath, EngineHarness.AppsYaml.Replace("image: demo:v1\n    listen: 127.0.0.1:28080", "image: demo:v3\n    listen: 127.0.0.1:28080", StringComparison.Ordinal));
        Assert.Empty(_engine.Get<AppsConfigMonitor>().Reload());
        _engine.Runtime.Images.Add("demo:v3");
        await _engine.Get<ConfigApplier>().ApplyAsync(before, _engine.Get<AppsConfigMonitor>().Current, CancellationToken.None);
        _engine.Probe.Failing[28082] = false;

        await _engine.WaitForEndAsync(running.Id);
        var queued = await WaitForNewerAsync("shop", running.Id);
        var done = await _engine.WaitForEndAsync(queued.Id);
        Assert.Equal(("demo:v3", "config", DeploymentStatus.Completed), (done.Image, done.RequestedBy, done.Status));
        var audit = await _engine.Get<AuditReader>().ReadAsync(new AuditFilter(App: "shop"), CancellationToken.None).ToListAsync();
        Assert.Contains(audit, e => e.Action == "config.deploy_queued" && e.Detail!.Contains($"demo:v3 deploys when deployment {running.Id} ends", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Outcome == "refused");
    }

    private async Task FirstStartAsync()
    {
        await Recovery.RestoreRoutesAsync(CancellationToken.None);
        await Recovery.ReconcileAsync(CancellationToken.None);
        await _engine.WaitForEndAsync(await NewestIdAsync("shop"));
        await _engine.WaitForEndAsync(await NewestIdAsync("blog"));
    }

    private async Task<long> NewestIdAsync(string app) =>
        (await _engine.Deployments.ListAsync(app, null, 0, 1, CancellationToken.None)).Items[0].Id;

    private async Task<DeploymentView> WaitForNewerAsync(string app, long than)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var newest = (await _engine.Deployments.ListAsync(app, null, 0, 1, CancellationToken.None)).Items[0];
            if (newest.Id > than)
            {
                return newest;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no deployment of {app} after {than} within 20 s");
            await Task.Delay(5);
        }
    }
}
