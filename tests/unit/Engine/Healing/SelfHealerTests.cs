using Cutover.Engine.Audit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Healing;
using Cutover.Engine.Hosting;
using Cutover.Engine.Model;
using Cutover.Engine.Runtime;
using Cutover.Engine.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cutover.Tests.Unit.Engine.Healing;

public sealed class SelfHealerTests : IAsyncLifetime
{
    /// <summary>A crash loop's backoff (0, 1, 2, 4, 8 s) runs on the pumped clock; 20 s of real time covers it.</summary>
    private static readonly TimeSpan HealBound = TimeSpan.FromSeconds(20);

    private EngineHarness _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        await _engine.Get<Recovery>().ReconcileAsync(CancellationToken.None);
        await Eventually.HoldsAsync(async () => _engine.Coordinator.RunningFor("shop") is null && await ActiveAsync() is not null, "shop served, no deployment under way", HealBound);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private SelfHealer Healer => _engine.Get<SelfHealer>();

    [Fact]
    public async Task ServingContainerRemoved_IsReplacedByTheDesiredImage_AndAuditedAsHealed()
    {
        var v2 = await _engine.DeployAsync("shop", "demo:v2");
        var serving = _engine.Runtime.In("shop", v2.Slot)!;

        await Healer.OnEventAsync(_engine.Runtime.Destroy(serving.Id), CancellationToken.None);

        var entry = await WaitForAuditAsync("app.healed");
        Assert.Contains($"the serving {v2.Slot.Name()} container was removed", entry.Detail);
        Assert.Contains("started demo:v2", entry.Detail);
        var newest = (await _engine.Deployments.ListAsync("shop", null, 0, 1, CancellationToken.None)).Items[0];
        Assert.Equal(("demo:v2", "engine", DeploymentStatus.Completed), (newest.Image, newest.RequestedBy, newest.Status));
        Assert.True(_engine.Runtime.In("shop", newest.Slot)!.Running);
        Assert.Equal(newest.Slot, _engine.Traffic.ActiveOf("shop"));
        Assert.EndsWith($"the {v2.Slot.Name()} container was already gone", newest.Steps[^1].Message);
        Assert.Null(await _engine.State.GetContainerAsync("shop", v2.Slot, CancellationToken.None));
    }

    [Fact]
    public async Task ServingContainerExitedAndNotRestarted_IsStartedAgain()
    {
        var serving = (await ActiveAsync())!;

        await Healer.OnEventAsync(_engine.Runtime.Die(serving.Id, "2"), CancellationToken.None);

        var entry = await WaitForAuditAsync("app.healed");
        Assert.Contains("exited with code 2; started it again (attempt 1 of 5", entry.Detail);
        Assert.True(_engine.Runtime.Containers.Single(c => c.Id == serving.Id).Running);
    }

    [Fact]
    public async Task CrashLoop_GivesUpAfterTheBudget_StopsTheContainer_AndSaysSo()
    {
        var serving = (await ActiveAsync())!;

        for (var i = 0; i < 6; i++)
        {
            // Docker's restart policy brings it back each time, and each time it dies again.
            await Healer.OnEventAsync(_engine.Runtime.Die(serving.Id, "1", restartedByDocker: true), CancellationToken.None);
            await Eventually.HoldsAsync(async () => (await AuditAsync()).Count(e => e.Action.StartsWith("app.heal", StringComparison.Ordinal)) > i, $"heal attempt {i + 1} audited", HealBound);
        }

        var entries = await AuditAsync();
        Assert.Equal(5, entries.Count(e => e.Action == "app.healed"));
        var gaveUp = Assert.Single(entries, e => e.Action == "app.heal_gave_up");
        Assert.Contains("gave up after 5 attempts within 10 min; stopped it so that it does not restart in a loop", gaveUp.Detail);
        Assert.False(_engine.Runtime.Containers.Single(c => c.Id == serving.Id).Running);

        // Given up: a further exit is left alone until the app is deployed again.
        await Healer.OnEventAsync(_engine.Runtime.Die(serving.Id, "1"), CancellationToken.None);
        await Task.Delay(200);
        Assert.Equal(6, (await AuditAsync()).Count(e => e.Action.StartsWith("app.heal", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CrashLoop_IsCountedAsRestartsByDocker_HealsAndOneGiveUp_AndAStartByCutoverAsACutoverRestart()
    {
        var meters = _engine.Get<System.Diagnostics.Metrics.IMeterFactory>();
        using var heals = new MetricCollector<long>(meters, EngineMetrics.MeterName, "cutover.heals");
        using var restarts = new MetricCollector<long>(meters, EngineMetrics.MeterName, "cutover.container.restarts");
        var serving = (await ActiveAsync())!;

        await Healer.OnEventAsync(_engine.Runtime.Die(serving.Id, "2"), CancellationToken.None);
        await Eventually.HoldsAsync(() => heals.GetMeasurementSnapshot().Count == 1, "the first heal measured", HealBound);
        for (var i = 0; i < 5; i++)
        {
            await Healer.OnEventAsync(_engine.Runtime.Die(serving.Id, "1", restartedByDocker: true), CancellationToken.None);
            await Eventually.HoldsAsync(() => heals.GetMeasurementSnapshot().Count > i + 1, $"heal {i + 2} measured", HealBound);
        }

        // The budget is 5 attempts: the first exit is started again by Cutover, the next four by Docker's policy.
        Assert.Equal(["healed", "healed", "healed", "healed", "healed", "gave_up"], heals.GetMeasurementSnapshot().Select(h => h.Tags["outcome"]));
        Assert.Equal(["cutover", "docker", "docker", "docker", "docker"], restarts.GetMeasurementSnapshot().Select(r => r.Tags["by"]));
        Assert.All(heals.GetMeasurementSnapshot(), h => Assert.Equal(["shop", serving.Slot.Name()], [h.Tags["app"], h.Tags["slot"]]));
    }

    [Fact]
    public async Task IdleSlotExiting_IsNotHealed()
    {
        var v2 = await _engine.DeployAsync("shop", "demo:v2");
        var idle = _engine.Runtime.In("shop", v2.Slot.Other())!;

        await Healer.OnEventAsync(new ContainerEvent(DateTimeOffset.UtcNow, idle.Id, "shop", idle.Slot, "die", "0"), CancellationToken.None);
        await Task.Delay(200);

        Assert.DoesNotContain(await AuditAsync(), e => e.Action.StartsWith("app.heal", StringComparison.Ordinal));
        Assert.False(_engine.Runtime.In("shop", v2.Slot.Other())!.Running);
    }

    [Fact]
    public async Task ServingContainerExiting_WhileADeploymentRuns_IsLeftToTheDeployment()
    {
        var serving = (await ActiveAsync())!;
        _engine.Probe.Failing[28082] = true;
        var running = await _engine.RequestAsync("shop", "demo:v2");

        await Healer.OnEventAsync(_engine.Runtime.Die(serving.Id), CancellationToken.None);
        await Task.Delay(100);
        _engine.Probe.Failing[28082] = false;
        await _engine.WaitForEndAsync(running.Id);

        Assert.DoesNotContain(await AuditAsync(), e => e.Action.StartsWith("app.heal", StringComparison.Ordinal));
    }

    private async Task<ManagedContainer?> ActiveAsync()
    {
        var state = await _engine.State.GetAsync("shop", CancellationToken.None);
        return state?.ActiveSlot is { } slot ? _engine.Runtime.In("shop", slot) : null;
    }

    private async Task<List<AuditEntryView>> AuditAsync() =>
        await _engine.Get<AuditReader>().ReadAsync(new AuditFilter(App: "shop"), CancellationToken.None).ToListAsync();

    private async Task<AuditEntryView> WaitForAuditAsync(string action)
    {
        AuditEntryView? found = null;
        await Eventually.HoldsAsync(async () => (found = (await AuditAsync()).LastOrDefault(e => e.Action == action)) is not null, $"audit {action}", HealBound);
        return found!;
    }
}
