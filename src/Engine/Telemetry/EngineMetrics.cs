using System.Diagnostics.Metrics;
using Cutover.Engine.Analysis;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Engine.Telemetry;

/// <summary>The engine's instruments (Meter <c>Cutover.Engine</c>): deployments, health checks, drains, self-healing, config refusals, analysis.</summary>
/// <remarks>
/// Recorded where each thing happens, never derived from the event stream, which drops events for a slow reader:
/// a counter must be exact. The host exports every <c>Cutover.*</c> meter; the names below become
/// <c>cutover_deployments_total</c>, <c>cutover_deployment_duration_seconds</c> and so on (see README, Metrics).
/// </remarks>
public sealed class EngineMetrics
{
    public const string MeterName = "Cutover.Engine";

    // Prometheus buckets are fixed when the instrument is made: each histogram says which ones suit its spread.
    private static readonly double[] DeploymentBuckets = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200];
    private static readonly double[] HealthCheckBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] DrainBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300];

    private readonly Counter<long> _deployments;
    private readonly Histogram<double> _deploymentDuration;
    private readonly Counter<long> _healthChecks;
    private readonly Histogram<double> _healthCheckDuration;
    private readonly Histogram<double> _drainDuration;
    private readonly Counter<long> _heals;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _configRefusals;
    private readonly Counter<long> _analyses;

    public EngineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deployments = meter.CreateCounter<long>(
            "cutover.deployments", "{deployment}", "Deployments that ended, by app and outcome (completed, rolled_back, failed, cancelled).");
        _deploymentDuration = meter.CreateHistogram(
            "cutover.deployment.duration", "s", "How long deployments took, from request to their last step, by app and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeploymentBuckets });
        _healthChecks = meter.CreateCounter<long>(
            "cutover.health.checks", "{check}", "Health checks run, by app, slot and result (healthy, unhealthy).");
        _healthCheckDuration = meter.CreateHistogram(
            "cutover.health.check.duration", "s", "Health check latency, by app and slot.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HealthCheckBuckets });
        _drainDuration = meter.CreateHistogram(
            "cutover.drain.duration", "s", "How long draining an old slot took, by app, slot and whether anything was cut (clean, aborted).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DrainBuckets });
        _heals = meter.CreateCounter<long>(
            "cutover.heals", "{heal}", "Self-healing outcomes of a serving container, by app, slot and outcome (healed, heal_failed, gave_up).");
        _restarts = meter.CreateCounter<long>(
            "cutover.container.restarts", "{restart}", "Serving containers started again after they stopped, by app, slot and who restarted them (docker, cutover).");
        _configRefusals = meter.CreateCounter<long>(
            "cutover.config.refusals", "{refusal}", "apps.yaml edits refused as a whole (the last good config stayed live).");
        _analyses = meter.CreateCounter<long>(
            "cutover.analysis", "{interval}", "Analysis intervals of a new slot judged, by app, slot and outcome (passed, failed, inconclusive).");
    }

    /// <summary>Counts a deployment that reached a terminal status, and how long it took.</summary>
    public void DeploymentEnded(DeploymentView deployment)
    {
        if (!deployment.Status.IsTerminal())
        {
            return;
        }

        var app = new KeyValuePair<string, object?>("app", deployment.App);
        var outcome = new KeyValuePair<string, object?>("outcome", deployment.Status.ToSnakeCase());
        _deployments.Add(1, app, outcome);
        if (deployment.FinishedAt is { } finished)
        {
            _deploymentDuration.Record(Math.Max(0, (finished - deployment.StartedAt).TotalSeconds), app, outcome);
        }
    }

    public void HealthChecked(string app, Slot slot, HealthResult result)
    {
        var appTag = new KeyValuePair<string, object?>("app", app);
        var slotTag = new KeyValuePair<string, object?>("slot", slot.Name());
        _healthChecks.Add(1, appTag, slotTag, new KeyValuePair<string, object?>("result", result.Healthy ? "healthy" : "unhealthy"));
        _healthCheckDuration.Record(result.Latency.TotalSeconds, appTag, slotTag);
    }

    public void Drained(string app, Slot slot, DrainOutcome outcome) =>
        _drainDuration.Record(
            outcome.Elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("app", app),
            new KeyValuePair<string, object?>("slot", slot.Name()),
            new KeyValuePair<string, object?>("result", outcome.Clean ? "clean" : "aborted"));

    public void Healed(string app, Slot slot, HealOutcome outcome) =>
        _heals.Add(
            1,
            new KeyValuePair<string, object?>("app", app),
            new KeyValuePair<string, object?>("slot", slot.Name()),
            new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    /// <param name="byDocker">True when Docker's restart policy started it; false when self-healing did.</param>
    public void Restarted(string app, Slot slot, bool byDocker) =>
        _restarts.Add(
            1,
            new KeyValuePair<string, object?>("app", app),
            new KeyValuePair<string, object?>("slot", slot.Name()),
            new KeyValuePair<string, object?>("by", byDocker ? "docker" : "cutover"));

    public void ConfigRefused() => _configRefusals.Add(1);

    public void Analysed(string app, Slot slot, AnalysisOutcome outcome) =>
        _analyses.Add(
            1,
            new KeyValuePair<string, object?>("app", app),
            new KeyValuePair<string, object?>("slot", slot.Name()),
            new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));

    /// <summary>The audit trail's names for the same outcomes (app.healed, app.heal_failed, app.heal_gave_up).</summary>
    private static string OutcomeName(HealOutcome outcome) => outcome switch
    {
        HealOutcome.Healed => "healed",
        HealOutcome.Failed => "heal_failed",
        _ => "gave_up",
    };
}
