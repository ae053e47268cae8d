using System.Diagnostics.Metrics;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cutover.Tests.Unit.Engine.Telemetry;

/// <summary>The engine's instruments, recorded by real deployments over fake Docker, proxy and probe.</summary>
public sealed class EngineMetricsTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private IMeterFactory Meters => _engine.Get<IMeterFactory>();

    [Fact]
    public async Task Deployments_AreCountedOnceEachByAppAndOutcome_WithTheirDurations()
    {
        using var ended = new MetricCollector<long>(Meters, EngineMetrics.MeterName, "cutover.deployments");
        using var durations = new MetricCollector<double>(Meters, EngineMetrics.MeterName, "cutover.deployment.duration");

        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        _engine.Probe.Failing[28081] = true;
        var rolledBack = await _engine.DeployAsync("shop", "demo:v3");

        Assert.Equal(DeploymentStatus.RolledBack, rolledBack.Status);
        Assert.Equal(2, Sum(ended, ("app", "shop"), ("outcome", "completed")));
        Assert.Equal(1, Sum(ended, ("app", "shop"), ("outcome", "rolled_back")));
        Assert.Equal(3, ended.GetMeasurementSnapshot().Count);
        var rolledBackDuration = Assert.Single(durations.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>("outcome", "rolled_back")));
        Assert.Equal(rolledBack.DurationSeconds!.Value, rolledBackDuration.Value, precision: 2);
        Assert.True(rolledBackDuration.Value >= 10, $"a rollback at the 10 s deadline took {rolledBackDuration.Value} s");
    }

    [Fact]
    public async Task HealthChecks_AreCountedByAppSlotAndResult_WithTheirLatency()
    {
        using var checks = new MetricCollector<long>(Meters, EngineMetrics.MeterName, "cutover.health.checks");
        using var latency = new MetricCollector<double>(Meters, EngineMetrics.MeterName, "cutover.health.check.duration");

        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;
        await _engine.DeployAsync("shop", "demo:v2");

        // healthy_after: 2 in the harness's apps.yaml.
        Assert.Equal(2, Sum(checks, ("app", "shop"), ("slot", "blue"), ("result", "healthy")));
        Assert.True(Sum(checks, ("app", "shop"), ("slot", "green"), ("result", "unhealthy")) >= 2);
        Assert.Equal(checks.GetMeasurementSnapshot().Count, latency.GetMeasurementSnapshot().Count);
        Assert.All(latency.GetMeasurementSnapshot(), m => Assert.True(m.ContainsTags("app", "slot") && !m.ContainsTags("result")));
    }

    [Fact]
    public async Task Drains_RecordTheirDurationBySlot_AndWhetherAnythingWasCut()
    {
        using var drains = new MetricCollector<double>(Meters, EngineMetrics.MeterName, "cutover.drain.duration");
        await _engine.DeployAsync("shop");
        _engine.Traffic.NextDrain = new Cutover.Engine.Traffic.DrainOutcome(0, 1, 0, TimeSpan.FromSeconds(2.5));

        await _engine.DeployAsync("shop", "demo:v2");

        var drain = Assert.Single(drains.GetMeasurementSnapshot());
        Assert.Equal(2.5, drain.Value);
        Assert.True(drain.MatchesTags(
            new KeyValuePair<string, object?>("app", "shop"),
            new KeyValuePair<string, object?>("slot", "blue"),
            new KeyValuePair<string, object?>("result", "aborted")));
    }

    [Fact]
    public async Task ActiveSlot_IsOneForTheSlotTheProxyRoutesTo_AndZeroForTheOtherAndForAppsNotServing()
    {
        _engine.Get<ActiveSlotGauge>();
        using var active = new MetricCollector<int>(Meters, EngineMetrics.MeterName, "cutover.active_slot");

        await _engine.DeployAsync("shop");
        await _engine.DeployAsync("shop", "demo:v2");
        active.RecordObservableInstruments();

        var scrape = active.GetMeasurementSnapshot();
        Assert.Equal(4, scrape.Count);
        Assert.Equal(1, Sum(active, ("app", "shop"), ("slot", "green")));
        Assert.Equal(0, Sum(active, ("app", "shop"), ("slot", "blue")));
        Assert.Equal(0, Sum(active, ("app", "blog"), ("slot", "blue")) + Sum(active, ("app", "blog"), ("slot", "green")));
    }

    private static long Sum<T>(MetricCollector<T> collector, params (string Key, string Value)[] tags) where T : struct =>
        collector.GetMeasurementSnapshot()
            .Where(m => m.MatchesTags(tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)).ToArray()))
            .Sum(m => Convert.ToInt64(m.Value, System.Globalization.CultureInfo.InvariantCulture));
}
