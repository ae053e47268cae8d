using Cutover.Engine.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Runtime;

/// <summary>Reads Docker's live-restore again every <see cref="Every"/>, so that turning it on (<c>systemctl reload docker</c>) shows without a restart.</summary>
/// <remarks>
/// A reload (SIGHUP) changes live-restore without dockerd going away, so the read on Docker's return never sees it.
/// One small <c>GET /info</c> a minute; a Docker that does not answer is left to the reconnect path.
/// </remarks>
public sealed partial class DockerLiveRestoreRefresh(
    EngineService engine, DockerLiveRestore liveRestore, TimeProvider time, ILogger<DockerLiveRestoreRefresh> logger) : BackgroundService
{
    /// <summary>How often the setting is read again.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first read comes with reconciliation (EngineService); from then on, once a minute.
        await engine.Reconciled.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(Every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // RefreshAsync catches Docker's refusals itself; nothing else it throws may end this loop either.
            try
            {
                await liveRestore.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TurnFailed(logger, ex.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Reading Docker's live-restore setting failed ({Reason}); trying again in a minute")]
        public static partial void TurnFailed(ILogger logger, string reason);
    }
}
