using System.Diagnostics;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Proxy.Draining;
using Cutover.Proxy.Listeners;

namespace Cutover.Web.Composition;

/// <summary>A takeover, once this host's listeners (apps and admin) are bound beside the running host's: stop it, then own the engine.</summary>
/// <remarks>
/// By the time the host has started, every listener of this process shares its address with the running
/// host's (<see cref="SharedListenSockets"/>). The running host gets SIGTERM: it stops accepting, the kernel
/// sends new connections here (and moves its queued ones, with <c>tcp_migrate_req</c>), it drains what it has in
/// flight and exits 0, which releases the database lock for this host's engine.
/// </remarks>
internal sealed partial class TakeoverSequence(
    EngineLease lease,
    AppsConfigMonitor config,
    IHostApplicationLifetime lifetime,
    ILogger<TakeoverSequence> logger) : BackgroundService
{
    /// <summary>Beyond the longest drain: the old host's admin listener, engine and database closing.</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WhenStartedAsync(stoppingToken);
        if (lease.IsHeld)
        {
            return;
        }

        if (TcpMigrateRequests.TryEnable() is { } why)
        {
            Log.MigrateReqOff(logger, why);
        }

        var holder = lease.ReadHolder();
        var failure = holder is null
            ? $"the running Cutover did not say who it is ({lease.HolderPath} is missing or unreadable)"
            : RunningHostSignal.Terminate(holder.ProcessId);
        if (failure is not null)
        {
            Fail(failure);
            return;
        }

        var limit = LongestDrain() + SlotDrainer.AbortGrace + StopMargin;
        var took = Stopwatch.StartNew();
        Log.Asked(logger, holder!.ProcessId, limit.TotalSeconds);
        if (await lease.WaitAsync(limit, stoppingToken))
        {
            Log.TookOver(logger, holder.ProcessId, took.Elapsed.TotalSeconds);
        }
        else
        {
            Fail($"the running Cutover (pid {holder.ProcessId}) still holds {lease.LockPath} after {limit.TotalSeconds:0}s (its longest drain plus {StopMargin.TotalSeconds:0}s)");
        }
    }

    private TimeSpan LongestDrain() =>
        config.Current.Apps.Values.Select(a => a.Drain.Timeout > a.Drain.WebSocketTimeout ? a.Drain.Timeout : a.Drain.WebSocketTimeout)
            .DefaultIfEmpty(TimeSpan.Zero)
            .Max();

    private void Fail(string reason)
    {
        Log.Failed(logger, reason);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    private Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken).ContinueWith(
            t =>
            {
                registration.Dispose();
                return t;
            },
            TaskScheduler.Default).Unwrap();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "net.ipv4.tcp_migrate_req could not be set to 1 ({Reason}); connections queued on the old host's listeners when it closes them may be reset. Set it with sysctl (see README, Upgrades)")]
        public static partial void MigrateReqOff(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Information, "Listening beside the running Cutover (pid {ProcessId}); asked it to stop; waiting up to {Seconds:0}s for it to drain and exit")]
        public static partial void Asked(ILogger logger, int processId, double seconds);

        [LoggerMessage(3, LogLevel.Information, "Took over from pid {ProcessId} in {Seconds:0.00}s: this process runs the engine")]
        public static partial void TookOver(ILogger logger, int processId, double seconds);

        [LoggerMessage(4, LogLevel.Critical, "Takeover failed: {Reason}; this host stops")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
