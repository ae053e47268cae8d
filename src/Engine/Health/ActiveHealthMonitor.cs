using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Telemetry;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Health;

/// <summary>Keeps checking every app's active slot at its interval, so health history has no gaps, and prunes old checks.</summary>
public sealed partial class ActiveHealthMonitor(
    Hosting.EngineLease lease,
    AppsConfigMonitor config,
    ITrafficSwitch traffic,
    IHealthProbe probe,
    HealthRecorder recorder,
    HealthStore store,
    Events.EngineEventStream events,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<ActiveHealthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);
    private DateTimeOffset _nextPrune;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // During a takeover the running host still checks (and heals) until it lets go of the database.
        await lease.Held.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TurnAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TurnFailed(logger, ex);
            }
        }
    }

    private async Task TurnAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var checks = new List<Task>();
        foreach (var spec in config.Current.Apps.Values)
        {
            if (traffic.GetTraffic(spec.Name) is not { ActiveSlot: { } slot } served
                || (_due.TryGetValue(spec.Name, out var due) && due > now))
            {
                continue;
            }

            _due[spec.Name] = now + spec.Health.Interval;
            checks.Add(CheckAsync(spec, slot, served.Ports.Of(slot), cancellationToken));
        }

        await Task.WhenAll(checks);
        if (now >= _nextPrune)
        {
            _nextPrune = now + PruneEvery;
            var pruned = await store.PruneAsync(now - options.Value.HealthRetention, cancellationToken);
            if (pruned > 0)
            {
                Log.Pruned(logger, pruned);
            }
        }
    }

    private async Task CheckAsync(AppSpec spec, Slot slot, int port, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(LogScopes.App(spec.Name));
        var result = await probe.CheckAsync(port, spec.Health, cancellationToken);
        var before = await recorder.RecordAsync(spec.Name, slot, result, null, cancellationToken);
        if (before?.Last.Healthy != result.Healthy)
        {
            if (result.Healthy)
            {
                Log.Healthy(logger, spec.Name, slot, result.ToString());
            }
            else
            {
                Log.Unhealthy(logger, spec.Name, slot, result.ToString());
            }

            // A first check that passes is no change worth telling anyone: only unhealthy, and healthy again after it.
            if (before is not null || !result.Healthy)
            {
                events.Publish(new Events.AppHealthChanged(result.At, spec.Name, slot, result, before?.Last.Healthy ?? true));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Health monitor turn failed; continuing")]
        public static partial void TurnFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Information, "Pruned {Count} health checks past retention")]
        public static partial void Pruned(ILogger logger, int count);

        [LoggerMessage(3, LogLevel.Warning, "{App} ({Slot}) is now unhealthy: {Result}")]
        public static partial void Unhealthy(ILogger logger, string app, Slot slot, string result);

        // A slot turning healthy is good news, not a warning: it would page whoever alerts on warnings.
        [LoggerMessage(4, LogLevel.Information, "{App} ({Slot}) is now healthy: {Result}")]
        public static partial void Healthy(ILogger logger, string app, Slot slot, string result);
    }
}
