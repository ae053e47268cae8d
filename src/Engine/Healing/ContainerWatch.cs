using Cutover.Engine.Hosting;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Healing;

/// <summary>Follows Docker's events for this instance's containers, and reconciles again whenever Docker comes back.</summary>
/// <remarks>
/// The event stream breaks when Docker restarts or goes away. Whatever happened meanwhile (containers stopped
/// with the daemon, removed, restarted) is not in any event this host will see, so every reconnect runs the same
/// reconciliation as start-up before watching again, and reads Docker's live-restore setting again.
/// </remarks>
public sealed partial class ContainerWatch(
    EngineService engine,
    IContainerRuntime runtime,
    Recovery recovery,
    DockerLiveRestore liveRestore,
    SelfHealer healer,
    SecretRedactor redactor,
    TimeProvider time,
    ILogger<ContainerWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // From before the start-up reconciliation, so that nothing between it and the first watch is missed.
        var since = time.GetUtcNow();
        await engine.Reconciled.WaitAsync(stoppingToken);
        var lastSeen = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var containerEvent in runtime.WatchAsync(since, stoppingToken))
                {
                    // Docker's "since" has whole seconds: the events of the last second seen come again.
                    if (containerEvent.At <= lastSeen)
                    {
                        continue;
                    }

                    lastSeen = containerEvent.At;
                    await healer.OnEventAsync(containerEvent, stoppingToken);
                }

                Log.Lost(logger, "the stream ended");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.Lost(logger, redactor.Redact(ex.Message));
            }

            since = await ReconnectAsync(stoppingToken);
        }
    }

    /// <returns>The time the reconciliation started, to watch from.</returns>
    private async Task<DateTimeOffset> ReconnectAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            await Task.Delay(Retry, time, stoppingToken);
            if (!await runtime.PingAsync(stoppingToken))
            {
                continue;
            }

            var started = time.GetUtcNow();
            try
            {
                await recovery.ReconcileAsync(stoppingToken);
                Log.Reconciled(logger);
                // A daemon that restarted may have been reconfigured (live-restore turned on, for one).
                await liveRestore.RefreshAsync(stoppingToken);
                return started;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ReconcileFailed(logger, redactor.Redact(ex.Message));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Lost Docker's container events ({Reason}); reconciling when Docker answers again")]
        public static partial void Lost(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Information, "Docker is back: reconciled state with it and watching its events again")]
        public static partial void Reconciled(ILogger logger);

        [LoggerMessage(3, LogLevel.Error, "Reconciling after Docker came back failed ({Reason}); retrying")]
        public static partial void ReconcileFailed(ILogger logger, string reason);
    }
}
