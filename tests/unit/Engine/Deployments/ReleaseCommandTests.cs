using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Engine.ReleaseCommands;
using Cutover.Engine.Runtime;

namespace Cutover.Tests.Unit.Engine.Deployments;

/// <summary>The release command: a one-off container of the new image after the pull and before the new slot starts.</summary>
public sealed class ReleaseCommandTests : IAsyncLifetime
{
    private const string AppsYaml = """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            container:
              env: { DB_URL: "postgres://db/shop", API_TOKEN: hunter2hunter2 }
              volumes: ["/srv/shop:/data"]
              user: "1000:1000"
              read_only: true
              tmpfs: ["/tmp"]
              cap_drop: [ALL]
              restart: always
            health: { path: /health, interval: 1s, timeout: 1s, healthy_after: 2, deadline: 10s }
            drain: { timeout: 5s, websocket_timeout: 2s }
            release: { command: ["bin/migrate", "up"], timeout: 30s }
        """;

    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync(AppsYaml);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Release_ThatSucceeds_RunsAfterThePullAndBeforeTheSlotStarts_AndTheDeploymentCompletes()
    {
        _engine.Runtime.ReleaseOutput = ["migrating 001_init", "done"];

        var done = await _engine.DeployAsync("shop");

        Assert.Equal(DeploymentStatus.Completed, done.Status);
        Assert.Equal(
            [DeploymentStatus.Queued, DeploymentStatus.Pulling, DeploymentStatus.Releasing, DeploymentStatus.Starting, DeploymentStatus.HealthChecking, DeploymentStatus.Switching, DeploymentStatus.Completed],
            done.Steps.Select(s => s.Status));
        Assert.Equal("running `bin/migrate up` in a one-off container of demo:v1 (timeout 30s)", done.Steps.Single(s => s.Status == DeploymentStatus.Releasing).Message);
        var calls = _engine.Runtime.Calls.ToList();
        Assert.True(calls.IndexOf("create cutover-shop-release-" + done.Id + " demo:v1") < calls.IndexOf("create cutover-shop-blue demo:v1"));
        Assert.Empty(_engine.Runtime.OneOffs);

        var output = await _engine.Get<ReleaseOutputs>().GetAsync(done.Id, CancellationToken.None);
        Assert.Equal(["migrating 001_init", "done"], output!.Lines);
        Assert.Equal((0L, false, 0L), (output.FirstLine, output.Running, output.ExitCode));
    }

    [Fact]
    public async Task Release_RunsWithTheAppsEnvVolumesAndRunSettings_ButNoRestartPolicyOrPort()
    {
        var done = await _engine.DeployAsync("shop");

        var spec = Assert.Single(_engine.Runtime.OneOffsCreated);
        Assert.Equal(("shop", "release", "demo:v1", done.Id, $"cutover-shop-release-{done.Id}"), (spec.App, spec.Role, spec.Image, spec.DeploymentId, spec.ContainerName));
        Assert.Equal(["bin/migrate", "up"], spec.Command);
        Assert.Equal("postgres://db/shop", spec.Env["DB_URL"]);
        Assert.Equal(["/srv/shop:/data"], spec.Volumes);
        Assert.Equal(("1000:1000", true, "/tmp", "ALL"), (spec.Run.User, spec.Run.ReadOnly, spec.Run.Tmpfs.Single(), spec.Run.CapDrop.Single()));
    }

    [Fact]
    public async Task Release_ExitingNonZero_FailsTheDeploymentWithTheCodeAndLastLine_NothingStartedNorSwitched()
    {
        await _engine.DeployAsync("shop");
        _engine.Runtime.ReleaseExitCode = 3;
        _engine.Runtime.ReleaseOutput = ["migrating 002_orders", "ERROR: relation \"orders\" already exists", ""];

        var done = await _engine.DeployAsync("shop", "demo:v2");

        Assert.Equal(DeploymentStatus.Failed, done.Status);
        Assert.Equal("the release command `bin/migrate up` exited with code 3, nothing switched; last output: ERROR: relation \"orders\" already exists", done.Error);
        Assert.DoesNotContain(done.Steps, s => s.Status == DeploymentStatus.Starting);
        Assert.Null(_engine.Runtime.In("shop", Slot.Green));
        Assert.Equal(Slot.Blue, _engine.Traffic.ActiveOf("shop"));
        Assert.Empty(_engine.Runtime.OneOffs);
        var output = await _engine.Get<ReleaseOutputs>().GetAsync(done.Id, CancellationToken.None);
        Assert.Equal(3L, output!.ExitCode);
        var audited = await _engine.Get<Cutover.Engine.Persistence.AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None);
        Assert.Contains(audited, e => e.Action == "deployment.failed" && e.DeploymentId == done.Id && e.Detail!.Contains("exited with code 3"));
    }

    [Fact]
    public async Task Release_PastItsTimeout_IsKilled_AndTheDeploymentFailsSayingSo()
    {
        _engine.Runtime.ReleaseExitCode = null;
        _engine.Runtime.ReleaseOutput = ["waiting for the lock"];

        var done = await _engine.DeployAsync("shop");

        Assert.Equal(DeploymentStatus.Failed, done.Status);
        Assert.Equal("the release command `bin/migrate up` did not finish within 30s: killed, nothing switched; last output: waiting for the lock", done.Error);
        Assert.Empty(_engine.Runtime.OneOffs);
        Assert.Null(_engine.Runtime.In("shop", Slot.Blue));
        Assert.Null((await _engine.Get<ReleaseOutputs>().GetAsync(done.Id, CancellationToken.None))!.ExitCode);
    }

    [Fact]
    public async Task Release_CancelledWhileRunning_IsRemoved_AndTheDeploymentCancelled()
    {
        _engine.Runtime.ReleaseExitCode = null;
        var running = await _engine.RequestAsync("shop");
        await Eventually.HoldsAsync(() => _engine.Runtime.OneOffs.Count == 1, "the release container runs");

        await _engine.Coordinator.CancelAsync(running.Id, "ui:alice", "127.0.0.1", CancellationToken.None);

        var done = await _engine.WaitForEndAsync(running.Id);
        Assert.Equal(DeploymentStatus.Cancelled, done.Status);
        Assert.Empty(_engine.Runtime.OneOffs);
        Assert.Null(_engine.Runtime.In("shop", Slot.Blue));
    }

    [Fact]
    public async Task Release_Output_IsPublishedLineByLine_WithSecretsMasked()
    {
        _engine.Runtime.ReleaseOutput = ["connecting with hunter2hunter2", "ok"];
        using var subscription = _engine.Get<EngineEventStream>().Subscribe();

        var done = await _engine.DeployAsync("shop");

        var lines = new List<ReleaseOutputWritten>();
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await foreach (var e in subscription.ReadAllAsync(read.Token))
        {
            if (e is ReleaseOutputWritten written && written.DeploymentId == done.Id)
            {
                lines.Add(written);
            }

            if (e is DeploymentChanged { Deployment.Status: DeploymentStatus.Completed })
            {
                break;
            }
        }

        Assert.Equal([(0L, "connecting with ***"), (1L, "ok")], lines.Select(l => (l.Index, l.Line)));
        Assert.Equal(["connecting with ***", "ok"], (await _engine.Get<ReleaseOutputs>().GetAsync(done.Id, CancellationToken.None))!.Lines);
    }

    [Fact]
    public async Task Restart_WhileReleasing_RollsBack_AndTheLeftoverReleaseContainerIsRemoved()
    {
        var view = await _engine.Deployments.CreateAsync(
            new Cutover.Engine.Persistence.Entities.DeploymentRecord { App = "shop", Image = "demo:v1", Slot = Slot.Blue, RequestedBy = "test" }, CancellationToken.None);
        await _engine.Deployments.TransitionAsync(view.Id, DeploymentStatus.Releasing, "crash follows", CancellationToken.None);
        _engine.Runtime.AddOneOff("shop", view.Id);
        var recovery = _engine.Get<Cutover.Engine.Hosting.Recovery>();

        await recovery.RestoreRoutesAsync(CancellationToken.None);
        await recovery.ReconcileAsync(CancellationToken.None);

        var recovered = await _engine.Deployments.GetAsync(view.Id, CancellationToken.None);
        Assert.Equal(DeploymentStatus.RolledBack, recovered!.Status);
        Assert.Contains("interrupted by a restart while releasing, before the switch", recovered.Error);
        Assert.DoesNotContain(_engine.Runtime.OneOffs, o => o.DeploymentId == view.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
