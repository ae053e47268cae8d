using System.Net;
using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Hosting;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Traffic;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Engine.Deployments;

/// <summary>Manual promotion with a preview, canary steps, the post-switch watch, promote and abort at each status, and restarts.</summary>
public sealed class ProgressiveDeliveryTests : IAsyncLifetime
{
    // The harness moves fake time 50 ms per real millisecond: a 2s hold is 40 ms, a 10s watch 200 ms.
    private const string AppsYaml = """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:29080
            slots: { blue: 29081, green: 29082 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            promotion: manual
            preview: { listen: 127.0.0.1:29089 }
          canary:
            image: demo:v1
            listen: 127.0.0.1:29180
            slots: { blue: 29181, green: 29182 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            strategy: canary
            canary: { steps: [{ weight: 10, pause: 2s }, { weight: 50, pause: manual }] }
          manual:
            image: demo:v1
            listen: 127.0.0.1:29280
            slots: { blue: 29281, green: 29282 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            strategy: canary
            canary: { steps: [{ weight: 10, pause: manual }, { weight: 50, pause: manual }], sticky: false }
          watched:
            image: demo:v1
            listen: 127.0.0.1:29380
            slots: { blue: 29381, green: 29382 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            watch: { duration: 10m }
          brief:
            image: demo:v1
            listen: 127.0.0.1:29480
            slots: { blue: 29481, green: 29482 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            watch: { duration: 10s }
        """;

    private static readonly AnalysisSpec Thresholds = new(TimeSpan.FromSeconds(10), 20, 0.05, TimeSpan.FromMilliseconds(800));

    private EngineHarness _engine = null!;
    private ScriptedSlotAnalysis _analysis = null!;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync(AppsYaml, configure: services =>
            services.AddSingleton<ISlotAnalysis>(sp => _analysis = new ScriptedSlotAnalysis(sp.GetRequiredService<TimeProvider>())));
        _ = _engine.Get<ISlotAnalysis>();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private FakeTrafficSwitch Traffic => _engine.Traffic;

    [Fact]
    public async Task ManualPromotion_WaitsPausedWithThePreview_UntilPromoted()
    {
        var first = await _engine.DeployAsync("shop");
        var deployment = await _engine.RequestAsync("shop", "demo:v2");

        var paused = await WaitForAsync(deployment.Id, d => d.Status == DeploymentStatus.Paused);

        // An app's first deployment has nothing serving to hold back, as Argo's first rollout: it is not paused.
        Assert.Equal(DeploymentStatus.Completed, first.Status);
        Assert.DoesNotContain(first.Steps, s => s.Status == DeploymentStatus.Paused);
        Assert.Equal("healthy; blue keeps serving; preview on http://127.0.0.1:29089; waiting for promote or abort", paused.Steps[^1].Message);
        Assert.Equal((new IPEndPoint(IPAddress.Loopback, 29089), Slot.Green), Traffic.PreviewOf("shop"));
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("shop"));

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(deployment.Id, full: false, "test", null, CancellationToken.None));
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(Slot.Green, Traffic.ActiveOf("shop"));
        Assert.Null(Traffic.PreviewOf("shop"));
        Assert.StartsWith("promoted by test; routing new requests to green", done.Steps.Single(s => s.Status == DeploymentStatus.Switching).Message);
        AssertInOrder("preview shop Green 127.0.0.1:29089", "stop preview shop", "route shop Green", "drain shop Blue");
    }

    [Fact]
    public async Task Abort_WhilePaused_LeavesTheOldSlotServing_ClosesThePreview_AndStopsTheNew()
    {
        await _engine.DeployAsync("shop");
        var deployment = await _engine.RequestAsync("shop", "demo:v2");
        await WaitForAsync(deployment.Id, d => d.Status == DeploymentStatus.Paused);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.AbortAsync(deployment.Id, "test", null, CancellationToken.None));
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal("aborted by test", done.Error);
        Assert.Equal("aborted by test; blue serves every request; new container stopped", done.Steps[^1].Message);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("shop"));
        Assert.Null(Traffic.PreviewOf("shop"));
        Assert.False(_engine.Runtime.In("shop", Slot.Green)!.Running);
        Assert.True(_engine.Runtime.In("shop", Slot.Blue)!.Running);
    }

    [Fact]
    public async Task Promote_AfterTheNewContainerExited_RollsBackInsteadOfSwitching()
    {
        await _engine.DeployAsync("shop");
        var deployment = await _engine.RequestAsync("shop", "demo:v2");
        await WaitForAsync(deployment.Id, d => d.Status == DeploymentStatus.Paused);
        await _engine.Runtime.StopAsync(_engine.Runtime.In("shop", Slot.Green)!.Id, TimeSpan.Zero, CancellationToken.None);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(deployment.Id, full: false, "test", null, CancellationToken.None));
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.StartsWith("the new slot stopped while held: the container is", done.Error);
        Assert.DoesNotContain("route shop Green", Traffic.Calls);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task Promote_OfAnEndedDeployment_IsRefusedWithItsStatus()
    {
        var done = await _engine.DeployAsync("canary");

        var refused = Assert.IsType<Admission.Refused>(await _engine.Coordinator.PromoteAsync(done.Id, full: false, "test", null, CancellationToken.None));

        Assert.Equal((RefusalKind.CannotPromote, $"Deployment {done.Id} has already ended: completed."), (refused.Refusal.Kind, refused.Refusal.Reason));
    }

    [Fact]
    public async Task Canary_StepsUpThroughItsWeights_HoldsAManualStepPaused_ThenSwitches()
    {
        await _engine.DeployAsync("canary");
        var deployment = await _engine.RequestAsync("canary", "demo:v2");

        var paused = await WaitForAsync(deployment.Id, d => d.Status == DeploymentStatus.Paused);

        Assert.Equal((1, 50), (paused.CanaryStep, paused.CanaryWeight));
        Assert.Equal(new TrafficSplit(Slot.Blue, Slot.Green, 50, Sticky: true), Traffic.SplitOf("canary"));
        Assert.Equal(
            ["weight 10%, holding 2s (step 1 of 2)", "weight 50%, paused until promoted (step 2 of 2)"],
            paused.Steps.Where(s => s.Status is DeploymentStatus.Canary or DeploymentStatus.Paused).Select(s => s.Message));
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("canary"));

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(deployment.Id, full: false, "test", null, CancellationToken.None));
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Null(Traffic.SplitOf("canary"));
        Assert.Equal(Slot.Green, Traffic.ActiveOf("canary"));
        Assert.Null(done.CanaryWeight);
        // The old slot is drained only once it gets no new requests: after the route, never during a split.
        AssertInOrder("split canary Green 10%", "split canary Green 50%", "route canary Green", "drain canary Blue");
    }

    [Fact]
    public async Task PromoteFull_SkipsTheRemainingSteps()
    {
        await _engine.DeployAsync("manual");
        var deployment = await _engine.RequestAsync("manual", "demo:v2");
        await WaitForAsync(deployment.Id, d => d.CanaryWeight == 10);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(deployment.Id, full: true, "test", null, CancellationToken.None));
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.DoesNotContain("split manual Green 50%", Traffic.Calls);
        Assert.Equal(Slot.Green, Traffic.ActiveOf("manual"));
    }

    [Fact]
    public async Task Promote_StepByStep_TakesEachWeightInTurn()
    {
        await _engine.DeployAsync("manual");
        var deployment = await _engine.RequestAsync("manual", "demo:v2");
        await WaitForAsync(deployment.Id, d => d.CanaryWeight == 10);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(deployment.Id, full: false, "test", null, CancellationToken.None));
        var second = await WaitForAsync(deployment.Id, d => d.CanaryWeight == 50);

        Assert.Equal(DeploymentStatus.Paused, second.Status);
        Assert.Equal(new TrafficSplit(Slot.Blue, Slot.Green, 50, Sticky: false), Traffic.SplitOf("manual"));
        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(deployment.Id, full: false, "test", null, CancellationToken.None));
        Assert.Equal(DeploymentStatus.Completed, (await _engine.WaitForEndAsync(deployment.Id)).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AbortOrCancel_DuringACanaryStep_SendsEveryRequestBackToTheOldSlot(bool cancel)
    {
        await _engine.DeployAsync("manual");
        var deployment = await _engine.RequestAsync("manual", "demo:v2");
        await WaitForAsync(deployment.Id, d => d.CanaryWeight == 10);

        if (cancel)
        {
            Assert.IsType<Admission.Accepted>(await _engine.Coordinator.CancelAsync(deployment.Id, "test", null, CancellationToken.None));
        }
        else
        {
            Assert.IsType<Admission.Accepted>(await _engine.Coordinator.AbortAsync(deployment.Id, "test", null, CancellationToken.None));
        }

        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Null(Traffic.SplitOf("manual"));
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("manual"));
        Assert.False(_engine.Runtime.In("manual", Slot.Green)!.Running);
        Assert.Equal(Slot.Blue, (await _engine.State.GetAsync("manual", CancellationToken.None))!.ActiveSlot);
    }

    [Fact]
    public async Task Abort_WhileDraining_SwitchesBackToTheOldSlotAtOnce()
    {
        await _engine.DeployAsync("watched");
        var hold = Traffic.HoldDrains = new TaskCompletionSource();
        var deployment = await _engine.RequestAsync("watched", "demo:v2");
        await WaitForAsync(deployment.Id, d => d.Status == DeploymentStatus.Draining);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.AbortAsync(deployment.Id, "test", null, CancellationToken.None));
        hold.SetResult();
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal("aborted by test; switched back to blue; new container stopped", done.Steps[^1].Message);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("watched"));
        var state = await _engine.State.GetAsync("watched", CancellationToken.None);
        Assert.Equal((Slot.Blue, "demo:v1"), (state!.ActiveSlot, state.ActiveImage));
        Assert.True(_engine.Runtime.In("watched", Slot.Blue)!.Running);
        Assert.False(_engine.Runtime.In("watched", Slot.Green)!.Running);
    }

    [Fact]
    public async Task Abort_WhileWatching_SwitchesBackWithoutAColdStart()
    {
        await _engine.DeployAsync("watched");
        var deployment = await _engine.RequestAsync("watched", "demo:v2");
        var watching = await WaitForAsync(deployment.Id, d => d.Status == DeploymentStatus.Watching);
        var blue = _engine.Runtime.In("watched", Slot.Blue)!;
        Assert.True(blue.Running);
        Assert.NotNull(watching.WatchUntil);
        var startsBefore = _engine.Runtime.Calls.Count(c => c.StartsWith("start", StringComparison.Ordinal));

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.AbortAsync(deployment.Id, "test", null, CancellationToken.None));
        var done = await _engine.WaitForEndAsync(deployment.Id);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("watched"));
        Assert.Equal(startsBefore, _engine.Runtime.Calls.Count(c => c.StartsWith("start", StringComparison.Ordinal)));
        Assert.True(_engine.Runtime.In("watched", Slot.Blue)!.Running);
        Assert.False(_engine.Runtime.In("watched", Slot.Green)!.Running);
    }

    [Fact]
    public async Task Watch_ThatEnds_StopsTheOldSlot_AndCompletes()
    {
        await _engine.DeployAsync("brief");
        var done = await _engine.DeployAsync("brief", "demo:v2");

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(
            [DeploymentStatus.Switching, DeploymentStatus.Draining, DeploymentStatus.Watching, DeploymentStatus.Completed],
            done.Steps.Select(s => s.Status).SkipWhile(s => s != DeploymentStatus.Switching));
        Assert.EndsWith("blue stopped and kept for rollback", done.Steps[^1].Message);
        Assert.False(_engine.Runtime.In("brief", Slot.Blue)!.Running);
    }

    [Fact]
    public async Task Abort_AfterCompletion_IsRefused()
    {
        await _engine.DeployAsync("brief");
        var done = await _engine.DeployAsync("brief", "demo:v2");

        var refused = Assert.IsType<Admission.Refused>(await _engine.Coordinator.AbortAsync(done.Id, "test", null, CancellationToken.None));

        Assert.Equal((RefusalKind.CannotAbort, $"Deployment {done.Id} has already ended: completed."), (refused.Refusal.Kind, refused.Refusal.Reason));
    }

    [Fact]
    public async Task FailedAnalysis_DuringACanaryStep_RollsBackWithTheMeasuredFigures()
    {
        await _engine.DeployAsync("manual");
        var (running, run, id) = await RunDirectAsync("manual");
        await WaitForAsync(id, d => d.CanaryWeight == 10);

        _analysis.Judge(AnalysisOutcome.Passed, AnalysisOutcome.Failed);
        await running.WaitAsync(TimeSpan.FromSeconds(20));
        var done = (await _engine.Deployments.GetAsync(id, CancellationToken.None))!;

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal("analysis failed at 10%: error rate 12.0% > 5.0% (6 of 50 requests); p95 120 ms <= 800 ms", done.Error);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("manual"));
        Assert.Null(Traffic.SplitOf("manual"));
        Assert.False(_engine.Runtime.In("manual", Slot.Green)!.Running);
        Assert.Equal([(AnalysisOutcome.Passed, "canary", 10), (AnalysisOutcome.Failed, "canary", 10)], done.Analyses.Select(a => (a.Outcome, a.Phase, a.Weight)));
        Assert.Equal(Slot.Green, _analysis.Judged);
    }

    [Fact]
    public async Task InconclusiveAnalysis_NeverAborts()
    {
        await _engine.DeployAsync("manual");
        var (running, run, id) = await RunDirectAsync("manual");
        await WaitForAsync(id, d => d.CanaryWeight == 10);

        _analysis.Judge(AnalysisOutcome.Inconclusive, AnalysisOutcome.Inconclusive, AnalysisOutcome.Inconclusive);
        await WaitForAsync(id, d => d.Analyses.Count == 3);
        Assert.Null(run.TryPromote("test", full: true));
        await running.WaitAsync(TimeSpan.FromSeconds(20));

        var done = (await _engine.Deployments.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.All(done.Analyses, a => Assert.Equal(AnalysisOutcome.Inconclusive, a.Outcome));
    }

    [Fact]
    public async Task FailedAnalysis_DuringTheWatch_SwitchesBackAtOnce()
    {
        await _engine.DeployAsync("watched");
        var (running, _, id) = await RunDirectAsync("watched");
        await WaitForAsync(id, d => d.Status == DeploymentStatus.Watching);

        _analysis.Judge(AnalysisOutcome.Failed);
        await running.WaitAsync(TimeSpan.FromSeconds(20));
        var done = (await _engine.Deployments.GetAsync(id, CancellationToken.None))!;

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.StartsWith("analysis failed during the watch: error rate 12.0%", done.Error);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("watched"));
        Assert.True(_engine.Runtime.In("watched", Slot.Blue)!.Running);
        Assert.False(_engine.Runtime.In("watched", Slot.Green)!.Running);
        Assert.Equal(("watch", 100), (done.Analyses[^1].Phase, done.Analyses[^1].Weight));
    }

    [Fact]
    public async Task Restart_WhilePaused_StaysPaused_WithThePreviewReopened()
    {
        await _engine.DeployAsync("shop");
        var id = await InterruptAsync("shop", DeploymentStatus.Paused, RolloutPosition.None);

        await RecoverAsync();
        var paused = await WaitForAsync(id, d => d.Steps.Count(s => s.Status == DeploymentStatus.Paused) == 2);

        Assert.Equal(DeploymentStatus.Paused, paused.Status);
        Assert.Equal((new IPEndPoint(IPAddress.Loopback, 29089), Slot.Green), Traffic.PreviewOf("shop"));
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("shop"));
        Assert.Equal(id, _engine.Coordinator.RunningFor("shop"));

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.PromoteAsync(id, full: false, "test", null, CancellationToken.None));
        Assert.Equal(DeploymentStatus.Completed, (await _engine.WaitForEndAsync(id)).Status);
        Assert.Equal(Slot.Green, Traffic.ActiveOf("shop"));
    }

    [Fact]
    public async Task Restart_DuringACanaryStep_RestoresItsWeight()
    {
        await _engine.DeployAsync("manual");
        var id = await InterruptAsync("manual", DeploymentStatus.Paused, new RolloutPosition(1, 50, null));

        await RecoverAsync();
        var resumed = await WaitForAsync(id, d => d.Steps.Count(s => s.Status == DeploymentStatus.Paused) == 2);

        Assert.Equal((1, 50), (resumed.CanaryStep, resumed.CanaryWeight));
        Assert.Equal(new TrafficSplit(Slot.Blue, Slot.Green, 50, Sticky: false), Traffic.SplitOf("manual"));
        Assert.DoesNotContain("split manual Green 10%", Traffic.Calls);

        Assert.IsType<Admission.Accepted>(await _engine.Coordinator.AbortAsync(id, "test", null, CancellationToken.None));
        Assert.Equal(DeploymentStatus.RolledBack, (await _engine.WaitForEndAsync(id)).Status);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("manual"));
    }

    [Fact]
    public async Task Restart_DuringACanaryStep_WithTheNewContainerGone_RollsBack()
    {
        await _engine.DeployAsync("manual");
        var id = await InterruptAsync("manual", DeploymentStatus.Canary, new RolloutPosition(0, 10, null));
        await _engine.Runtime.StopAsync(_engine.Runtime.In("manual", Slot.Green)!.Id, TimeSpan.Zero, CancellationToken.None);

        await RecoverAsync();
        var done = await _engine.WaitForEndAsync(id);

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Contains("interrupted by a restart while canary", done.Error);
        Assert.Equal(Slot.Blue, Traffic.ActiveOf("manual"));
        Assert.Null(Traffic.SplitOf("manual"));
    }

    [Fact]
    public async Task Restart_WhileWatching_ResumesWhatIsLeftOfTheWatch()
    {
        await _engine.DeployAsync("watched");
        var until = _engine.Time.GetUtcNow() + TimeSpan.FromSeconds(30);
        var id = await InterruptAsync("watched", DeploymentStatus.Watching, new RolloutPosition(null, null, until), switched: true);

        await RecoverAsync();
        var done = await _engine.WaitForEndAsync(id);

        // 30 s left of a 10-minute watch: it watches again until the stored deadline, not for a new 10 minutes.
        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(2, done.Steps.Count(s => s.Status == DeploymentStatus.Watching));
        Assert.True(done.FinishedAt >= until && done.FinishedAt < until + TimeSpan.FromMinutes(1), $"finished at {done.FinishedAt}, watch ended {until}");
        Assert.Equal("drained before the restart; blue stopped and kept for rollback", done.Steps[^1].Message);
        Assert.Equal(Slot.Green, Traffic.ActiveOf("watched"));
        Assert.False(_engine.Runtime.In("watched", Slot.Blue)!.Running);
    }

    [Fact]
    public async Task RunningDeployment_Promote_IsTakenOnlyWhileAwaited()
    {
        using var run = new RunningDeployment(7);

        Assert.Equal("Deployment 7 is not paused: its new slot is not healthy yet.", run.TryPromote("test", full: false));
        run.EnterGate();
        var promoted = run.AwaitPromotion();
        Assert.Null(run.TryPromote("test", full: true));
        Assert.True((await promoted).Full);
        Assert.Equal("Deployment 7 is between steps; try again in a moment.", run.TryPromote("test", full: false));
    }

    [Fact]
    public async Task Restart_WhileWatching_WithTheOldSlotStopped_IsFinished()
    {
        await _engine.DeployAsync("watched");
        var id = await InterruptAsync("watched", DeploymentStatus.Watching, new RolloutPosition(null, null, _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(5)), switched: true);
        await _engine.Runtime.StopAsync(_engine.Runtime.In("watched", Slot.Blue)!.Id, TimeSpan.Zero, CancellationToken.None);

        await RecoverAsync();
        var done = await _engine.WaitForEndAsync(id);

        // Nothing to switch back to without a cold start: the watch has no point left, the new slot keeps serving.
        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(1, done.Steps.Count(s => s.Status == DeploymentStatus.Watching));
        Assert.Equal(Slot.Green, Traffic.ActiveOf("watched"));
    }

    [Fact]
    public void RunningDeployment_AfterTheSwitch_RefusesCancelButTakesAbort_UntilItFinishes()
    {
        using var run = new RunningDeployment(7);
        run.EnterGate();
        Assert.True(run.TryBeginSwitch());
        Assert.Equal("Deployment 7 is switching traffic to its new slot right now; try again in a moment.", run.TryAbort("test"));
        run.MarkSwitched();

        Assert.False(run.TryCancel("test"));
        Assert.Null(run.TryAbort("test"));
        Assert.Equal((RunPhase.Switched, "test"), (run.StoppedIn, run.CancelledBy));
        Assert.True(run.CancelToken.IsCancellationRequested);
        Assert.False(run.TryBeginFinish());
    }

    [Fact]
    public void RunningDeployment_WhileFinishing_RefusesAbort()
    {
        using var run = new RunningDeployment(7);
        run.TryBeginSwitch();
        run.MarkSwitched();
        Assert.True(run.TryBeginFinish());

        Assert.Equal("Deployment 7 is stopping its old slot and completing; roll back instead.", run.TryAbort("test"));
        Assert.False(run.CancelToken.IsCancellationRequested);
    }

    /// <summary>Runs a deployment of demo:v2 to green with analysis thresholds (which apps.yaml's analysis: section, parsed elsewhere, would give).</summary>
    private async Task<(Task Running, RunningDeployment Run, long Id)> RunDirectAsync(string app)
    {
        var spec = _engine.Get<AppsConfigMonitor>().Current.Apps[app] with { Analysis = Thresholds };
        var view = await _engine.Deployments.CreateAsync(
            new DeploymentRecord { App = app, Image = "demo:v2", Slot = Slot.Green, PreviousSlot = Slot.Blue, PreviousImage = "demo:v1", RequestedBy = "test" },
            CancellationToken.None);
        var run = new RunningDeployment(view.Id);
        var running = Task.Run(() => _engine.Get<DeploymentRunner>().RunAsync(view, spec, run, CancellationToken.None));
        return (running, run, view.Id);
    }

    /// <summary>As a host killed at <paramref name="status"/> leaves it: the deployment stored there, green's container running.</summary>
    private async Task<long> InterruptAsync(string app, DeploymentStatus status, RolloutPosition position, bool switched = false)
    {
        var spec = _engine.Get<AppsConfigMonitor>().Current.Apps[app];
        var view = await _engine.Deployments.CreateAsync(
            new DeploymentRecord { App = app, Image = "demo:v2", Slot = Slot.Green, PreviousSlot = Slot.Blue, PreviousImage = "demo:v1", RequestedBy = "test" },
            CancellationToken.None);
        var container = await _engine.Runtime.CreateAsync(
            new Cutover.Engine.Runtime.SlotContainerSpec(app, Slot.Green, "demo:v2", view.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), spec.Slots.Green, 8080, new Dictionary<string, string>(), [], null, null, []),
            CancellationToken.None);
        await _engine.Runtime.StartAsync(container.Id, CancellationToken.None);
        await _engine.State.SaveContainerAsync(
            new ContainerRecord { App = app, Slot = Slot.Green, ContainerId = container.Id, Image = "demo:v2", HostPort = spec.Slots.Green, DeploymentId = view.Id, Running = true },
            CancellationToken.None);
        await _engine.Deployments.TransitionAsync(view.Id, status, "crash follows", CancellationToken.None, position: position);
        if (switched)
        {
            await _engine.State.SetActiveAsync(app, Slot.Green, "demo:v2", view.Id, CancellationToken.None);
        }

        return view.Id;
    }

    private async Task RecoverAsync()
    {
        var recovery = _engine.Get<Recovery>();
        await recovery.RestoreRoutesAsync(CancellationToken.None);
        await recovery.ReconcileAsync(CancellationToken.None);
    }

    /// <summary>Waits (in real time, bounded) until the stored deployment satisfies <paramref name="condition"/>.</summary>
    private async Task<DeploymentView> WaitForAsync(long id, Func<DeploymentView, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var view = (await _engine.Deployments.GetAsync(id, CancellationToken.None))!;
            if (condition(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"deployment {id} still {view.Status} after 20 s: {string.Join(" | ", view.Steps.Select(s => $"{s.Status}: {s.Message}"))}");
            await Task.Delay(5);
        }
    }

    private void AssertInOrder(params string[] calls)
    {
        var recorded = Traffic.Calls.ToList();
        var at = calls.Select(c => recorded.IndexOf(c)).ToArray();
        Assert.True(at.All(i => i >= 0) && at.SequenceEqual(at.Order()), $"expected in order: {string.Join(", ", calls)}; recorded: {string.Join(", ", recorded)}");
    }
}
