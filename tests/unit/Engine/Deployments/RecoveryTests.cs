using Cutover.Engine.Deployments;
using Cutover.Engine.Hosting;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;

namespace Cutover.Tests.Unit.Engine.Deployments;

public sealed class RecoveryTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private Recovery Recovery => _engine.Get<Recovery>();

    [Fact]
    public async Task RestoreRoutes_ServesTheStoredActiveSlot_WithoutDocker()
    {
        await _engine.State.SetActiveAsync("shop", Slot.Green, "demo:v2", 7, CancellationToken.None);
        _engine.Runtime.Reachable = false;

        await Recovery.RestoreRoutesAsync(CancellationToken.None);

        Assert.Equal(Slot.Green, _engine.Traffic.ActiveOf("shop"));
        Assert.True(_engine.Traffic.Serves("blog"));
        Assert.Null(_engine.Traffic.ActiveOf("blog"));
    }

    [Fact]
    public async Task Reconcile_WithNoState_DeploysEveryAppToBlue()
    {
        await Recovery.RestoreRoutesAsync(CancellationToken.None);
        await Recovery.ReconcileAsync(CancellationToken.None);

        foreach (var app in new[] { "shop", "blog" })
        {
            var deployments = (await _engine.Deployments.ListAsync(app, null, 0, 10, CancellationToken.None)).Items;
            var done = await _engine.WaitForEndAsync(Assert.Single(deployments).Id);
            Assert.Equal((DeploymentStatus.Completed, Slot.Blue, "engine"), (done.Status, done.Slot, done.RequestedBy));
        }
    }

    [Fact]
    public async Task Reconcile_DeploymentInterruptedBeforeTheSwitch_IsRolledBack_AndItsContainerStopped()
    {
        await _engine.DeployAsync("shop");
        var interrupted = await Interrupt("demo:v2", DeploymentStatus.HealthChecking, switched: false);

        await Recovery.RestoreRoutesAsync(CancellationToken.None);
        await Recovery.ReconcileAsync(CancellationToken.None);

        var view = await _engine.Deployments.GetAsync(interrupted, CancellationToken.None);
        Assert.Equal(DeploymentStatus.RolledBack, view!.Status);
        Assert.Contains("interrupted by a restart while health_checking", view.Error);
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
        Assert.True(_engine.Runtime.In("shop", Slot.Blue)!.Running);
        Assert.False(_engine.Runtime.In("shop", Slot.Green)!.Running);
    }

    [Fact]
    public async Task Reconcile_DeploymentInterruptedWhileDraining_IsFinished_AndTheOldSlotStopped()
    {
        await _engine.DeployAsync("shop");
        var interrupted = await Interrupt("demo:v2", DeploymentStatus.Draining, switched: true);

        await Recovery.RestoreRoutesAsync(CancellationToken.None);
        await Recovery.ReconcileAsync(CancellationToken.None);

        var view = await _engine.Deployments.GetAsync(interrupted, CancellationToken.None);
        Assert.Equal(DeploymentStatus.Completed, view!.Status);
        Assert.Equal(Slot.Green, _engine.Traffic.ActiveOf("shop"));
        Assert.True(_engine.Runtime.In("shop", Slot.Green)!.Running);
        Assert.False(_engine.Runtime.In("shop", Slot.Blue)!.Running);
    }

    [Fact]
    public async Task Reconcile_RemovesContainersNobodyKnows()
    {
        await _engine.DeployAsync("shop");
        var stray = _engine.Runtime.Add("shop", Slot.Green, "demo:v2", running: true);
        var gone = _engine.Runtime.Add("removed-app", Slot.Blue, "demo:v1", running: true);

        await Recovery.ReconcileAsync(CancellationToken.None);

        Assert.DoesNotContain(_engine.Runtime.Containers, c => c.Id == stray.Id || c.Id == gone.Id);
        Assert.True(_engine.Runtime.In("shop", Slot.Blue)!.Running);
    }

    [Fact]
    public async Task Reconcile_StoppedActiveContainer_IsStartedAgain()
    {
        await _engine.DeployAsync("shop");
        var blue = _engine.Runtime.In("shop", Slot.Blue)!;
        await _engine.Runtime.StopAsync(blue.Id, TimeSpan.FromSeconds(1), CancellationToken.None);

        await Recovery.ReconcileAsync(CancellationToken.None);

        Assert.True(_engine.Runtime.In("shop", Slot.Blue)!.Running);
    }

    /// <summary>Leaves a deployment of shop to green as a crash would: stored at <paramref name="status"/>, its container running.</summary>
    private async Task<long> Interrupt(string image, DeploymentStatus status, bool switched)
    {
        var view = await _engine.Deployments.CreateAsync(
            new DeploymentRecord { App = "shop", Image = image, Slot = Slot.Green, PreviousSlot = Slot.Blue, PreviousImage = "demo:v1", RequestedBy = "test" },
            CancellationToken.None);
        var container = await _engine.Runtime.CreateAsync(
            new Cutover.Engine.Runtime.SlotContainerSpec("shop", Slot.Green, image, view.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 28082, 8080, new Dictionary<string, string>(), [], null, null, []),
            CancellationToken.None);
        await _engine.Runtime.StartAsync(container.Id, CancellationToken.None);
        await _engine.State.SaveContainerAsync(
            new ContainerRecord { App = "shop", Slot = Slot.Green, ContainerId = container.Id, Image = image, HostPort = 28082, DeploymentId = view.Id, Running = true },
            CancellationToken.None);
        await _engine.Deployments.TransitionAsync(view.Id, status, "crash follows", CancellationToken.None);
        if (switched)
        {
            await _engine.State.SetActiveAsync("shop", Slot.Green, image, view.Id, CancellationToken.None);
        }

        return view.Id;
    }
}
