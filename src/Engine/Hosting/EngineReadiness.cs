using System.Data.Common;
using Cutover.Engine.Configuration;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Hosting;

/// <summary>Whether the engine can take changes: apps.yaml in force, SQLite writable, Docker reachable, reconciled.</summary>
/// <remarks>
/// Changes wait for <see cref="IsReconciled"/>: until reconciliation has compared SQLite with Docker, a deployment
/// would race it on the same rows and containers (reconciliation would forget or remove what the deployment just
/// made). The host turns <see cref="CheckAsync"/> into <c>/readyz</c>; no HTTP types here.
/// </remarks>
public sealed class EngineReadiness
{
    /// <summary>How long one check may take; a check that takes longer fails.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a check's answer is reused, so that a busy /readyz cannot hammer Docker or SQLite.</summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(2);

    private readonly AppsConfigMonitor _config;
    private readonly IDbContextFactory<CutoverDbContext> _dbFactory;
    private readonly IContainerRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly string _dockerEndpoint;
    private readonly TaskCompletionSource _reconciled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReusedCheck _sqlite;
    private readonly ReusedCheck _docker;
    private readonly DockerLiveRestore? _liveRestore;
    private volatile string _phase = "the engine has not started yet";
    private long _reconciledAtTicks;

    public EngineReadiness(
        AppsConfigMonitor config,
        IDbContextFactory<CutoverDbContext> dbFactory,
        IContainerRuntime runtime,
        IOptions<EngineOptions> options,
        TimeProvider time,
        DockerLiveRestore? liveRestore = null)
    {
        _liveRestore = liveRestore;
        _config = config;
        _dbFactory = dbFactory;
        _runtime = runtime;
        _time = time;
        _dockerEndpoint = options.Value.Docker;
        _sqlite = new ReusedCheck(time, CheckSqliteAsync);
        _docker = new ReusedCheck(time, CheckDockerAsync);
    }

    /// <summary>
    /// Completes once this process runs the engine: it holds the database's lock, the database is migrated and
    /// apps.yaml is watched. At start-up for a plain start; once the old host has let go for a takeover.
    /// </summary>
    public Task Started => _started.Task;

    /// <summary>Completes once reconciliation with Docker has run after this start.</summary>
    public Task Reconciled => _reconciled.Task;

    public bool IsReconciled => _reconciled.Task.IsCompleted;

    /// <summary>What the engine is doing before it is reconciled, as a sentence (e.g. "waiting for Docker at ...").</summary>
    public string Phase => IsReconciled ? "reconciled with Docker" : _phase;

    /// <summary>Waits for reconciliation up to <paramref name="bound"/>; true when it has run.</summary>
    public async Task<bool> WaitUntilReconciledAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        try
        {
            await Reconciled.WaitAsync(bound, _time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Runs every check (SQLite and Docker answers are reused for <see cref="ReuseFor"/>).</summary>
    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var sqlite = _sqlite.GetAsync();
        var docker = _docker.GetAsync();
        var checks = new Dictionary<string, ReadinessCheck>(StringComparer.Ordinal)
        {
            ["config"] = CheckConfig(),
            ["sqlite"] = await sqlite.WaitAsync(cancellationToken),
            ["docker"] = await docker.WaitAsync(cancellationToken),
            ["reconciled"] = Interlocked.Read(ref _reconciledAtTicks) is > 0 and var at
                ? new ReadinessCheck(true, $"reconciled with Docker at {new DateTime(at, DateTimeKind.Utc):yyyy-MM-ddTHH:mm:ssZ}")
                : new ReadinessCheck(false, Phase),
        };
        if (_liveRestore is not null)
        {
            checks["live_restore"] = CheckLiveRestore(_liveRestore);
        }

        return new ReadinessReport(checks.Values.All(c => c.Ok), checks);
    }

    /// <summary>Called by the engine as it goes, so that a refused change can say what it waits for.</summary>
    internal void Report(string phase) => _phase = phase;

    internal void MarkStarted() => _started.TrySetResult();

    internal void MarkReconciled()
    {
        Interlocked.CompareExchange(ref _reconciledAtTicks, _time.GetUtcNow().UtcTicks, 0);
        _reconciled.TrySetResult();
    }

    private ReadinessCheck CheckConfig()
    {
        if (_config.CurrentOrNull is not { } current)
        {
            return new ReadinessCheck(false, $"{_config.FilePath} is not loaded yet");
        }

        var detail = $"{_config.FilePath}: {Model.Quantity.Of(current.Apps.Count, "application")} in force";
        if (_config.LastRejection is { } refused)
        {
            // A refused edit does not stop anything: the last good config serves; the operator should still know.
            detail += $"; the edit of {refused.At.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} was refused ({refused.Problems[0]}"
                + (refused.Problems.Count > 1 ? $" and {refused.Problems.Count - 1} more" : string.Empty) + ")";
        }

        return new ReadinessCheck(true, detail);
    }

    /// <summary>Never fails: a host without live-restore works; it only loses its apps for the seconds dockerd restarts.</summary>
    private static ReadinessCheck CheckLiveRestore(DockerLiveRestore liveRestore) => liveRestore.Enabled switch
    {
        true => new ReadinessCheck(true, "Docker live-restore is on: app containers keep running while dockerd restarts"),
        false => new ReadinessCheck(true, DockerLiveRestore.OffWarning),
        null => new ReadinessCheck(true, "Docker live-restore not read yet: it is read once Docker answers"),
    };

    /// <summary>A real write (in a transaction that is rolled back): a read-only file, a full lock or a gone folder fail it.</summary>
    private async Task<ReadinessCheck> CheckSqliteAsync(CancellationToken cancellationToken)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        // SQLite waits for a lock synchronously, on this thread: bound that wait as well as the caller's.
        connection.DefaultTimeout = (int)CheckTimeout.TotalSeconds;
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandTimeout = (int)CheckTimeout.TotalSeconds;
            write.CommandText = "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('cutover-readiness-probe', 'probe')";
            await write.ExecuteNonQueryAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return new ReadinessCheck(true, $"{connection.DataSource} is writable");
        }
        catch (DbException ex)
        {
            return new ReadinessCheck(false, $"{connection.DataSource} cannot be written: {ex.Message}");
        }
    }

    private async Task<ReadinessCheck> CheckDockerAsync(CancellationToken cancellationToken) =>
        await _runtime.PingAsync(cancellationToken)
            ? new ReadinessCheck(true, $"{_dockerEndpoint} answers")
            : new ReadinessCheck(false, $"{_dockerEndpoint} does not answer; the proxy keeps serving the stored slots");

    /// <summary>One check's answer, shared by concurrent callers and reused for <see cref="ReuseFor"/>.</summary>
    private sealed class ReusedCheck(TimeProvider time, Func<CancellationToken, Task<ReadinessCheck>> check)
    {
        private readonly Lock _gate = new();
        private Task<ReadinessCheck>? _last;
        private DateTimeOffset _startedAt;

        public Task<ReadinessCheck> GetAsync()
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (_last is null || now - _startedAt >= ReuseFor)
                {
                    _startedAt = now;
                    // Not tied to one caller's request: others share the answer, so only the timeout ends it.
                    _last = RunAsync();
                }

                return _last;
            }
        }

        private async Task<ReadinessCheck> RunAsync()
        {
            using var timeout = new CancellationTokenSource(CheckTimeout, time);
            try
            {
                return await check(timeout.Token).WaitAsync(CheckTimeout, time);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                return new ReadinessCheck(false, $"no answer within {CheckTimeout.TotalSeconds:0} s");
            }
            catch (Exception ex)
            {
                return new ReadinessCheck(false, ex.Message);
            }
        }
    }
}

/// <summary>The outcome of every readiness check; <see cref="Ready"/> when all pass.</summary>
public sealed record ReadinessReport(bool Ready, IReadOnlyDictionary<string, ReadinessCheck> Checks);

/// <summary>One readiness check: whether it passes, and a sentence saying what was found.</summary>
public sealed record ReadinessCheck(bool Ok, string Detail);
