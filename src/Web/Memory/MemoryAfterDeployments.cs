using System.Diagnostics;
using Cutover.Engine.Events;

namespace Cutover.Web.Memory;

/// <summary>Hands the memory a burst of deployments left behind back to the system once deployments have been quiet a while.</summary>
/// <remarks>
/// Deployments allocate in bursts (Docker's streams, health checks, SQLite writes, the console's updates); afterwards
/// the GC keeps the freed regions committed and glibc keeps its freed heap pages, for a load that does not come back.
/// With 50 apps, RSS stayed about 25 MB above its level before 50 parallel deployments, three minutes later still
/// (bench/scale.sh). One full, compacting, decommitting collection and a malloc_trim, 30 s after the last deployment
/// change, return it. The collection blocks the process for the time it takes (tens of milliseconds for this host's
/// heap, logged each time); that is once per burst, after it, so it is not done on a timer or while changes come.
/// </remarks>
internal sealed partial class MemoryAfterDeployments(
    EngineEventStream events,
    TimeProvider time,
    ILogger<MemoryAfterDeployments> logger,
    Action? release = null) : BackgroundService
{
    /// <summary>How long deployments must have been quiet.</summary>
    internal static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    private readonly Action _release = release ?? ReleaseToSystem(logger);
    // Taken at construction, so that no change is missed while the host starts (ExecuteAsync runs later, on the pool).
    private readonly EngineEventSubscription _subscription = events.Subscribe();

    private int _quietWaits;

    /// <summary>How many waits for the quiet period have begun; tests move time only once the service waits.</summary>
    internal int QuietWaits => Volatile.Read(ref _quietWaits);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var changes = _subscription.ReadAllAsync(stoppingToken).GetAsyncEnumerator(stoppingToken);
        Task<bool>? next = null;
        // Set by each deployment change; other events (health checks every few seconds) neither set nor postpone it.
        DateTimeOffset? releaseAt = null;
        try
        {
            while (true)
            {
                next ??= changes.MoveNextAsync().AsTask();
                if (releaseAt is { } due)
                {
                    using var eventCame = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var quiet = Task.Delay(Max(due - time.GetUtcNow(), TimeSpan.Zero), time, eventCame.Token);
                    Interlocked.Increment(ref _quietWaits);
                    if (await Task.WhenAny(next, quiet) == quiet)
                    {
                        await quiet; // throws when stopping
                        _release();
                        releaseAt = null;
                        continue;
                    }

                    await eventCame.CancelAsync();
                }

                if (!await next)
                {
                    return;
                }

                if (changes.Current is DeploymentChanged)
                {
                    releaseAt = time.GetUtcNow() + Quiet;
                }

                next = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static Action ReleaseToSystem(ILogger logger) => () =>
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var started = Stopwatch.GetTimestamp();
        // Aggressive: compacts every generation and decommits all it can, rather than keeping regions for later.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var paused = Stopwatch.GetElapsedTime(started);
        var mallocTrimmed = MallocArenas.Trim();
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Log.Released(logger, before / (1024 * 1024), after / (1024 * 1024), (long)paused.TotalMilliseconds, mallocTrimmed);
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information,
            "Deployments quiet for 30 s: memory handed back, GC committed {BeforeMb} -> {AfterMb} MB (collection paused the process {PauseMs} ms), malloc trimmed: {MallocTrimmed}")]
        public static partial void Released(ILogger logger, long beforeMb, long afterMb, long pauseMs, bool mallocTrimmed);
    }
}
