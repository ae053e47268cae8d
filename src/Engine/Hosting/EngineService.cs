using System.Data.Common;
using Cutover.Engine.Configuration;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Hosting;

/// <summary>The engine's life: database and routes before anything else, then Docker reconciliation, then config reloads.</summary>
public sealed partial class EngineService(
    EngineLease lease,
    DatabaseInitializer database,
    AppsConfigMonitor config,
    Recovery recovery,
    ConfigApplier applier,
    IContainerRuntime runtime,
    EngineReadiness readiness,
    DockerLiveRestore liveRestore,
    SecretRedactor redactor,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<EngineService> logger) : BackgroundService
{
    private static readonly TimeSpan DockerRetry = TimeSpan.FromSeconds(2);
    private AppsConfig? _applied;
    private bool _routesRestored;

    /// <summary>Completes once reconciliation with Docker has run; changes are refused with "starting" until then.</summary>
    public Task Reconciled => readiness.Reconciled;

    /// <exception cref="EngineLockedException">Another Cutover runs on this database and takeover was not asked for.</exception>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!lease.TryAcquire())
        {
            if (!options.Value.Takeover)
            {
                throw new EngineLockedException(lease.Database, lease.ReadHolder());
            }

            // Taking over: serve the stored routes beside the running host, reading only; the database is
            // migrated and written once that host has drained and let go of the lock (see ExecuteAsync).
            var holder = lease.ReadHolder()?.ProcessId ?? 0;
            Log.TakingOver(logger, holder);
            readiness.Report($"taking over from the Cutover with pid {holder}: waiting for it to drain and let go of the database");
            _applied = config.LoadInitial();
            try
            {
                await recovery.RestoreRoutesAsync(cancellationToken);
                _routesRestored = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // e.g. a release whose schema the database does not have yet: serve once it is migrated.
                Log.RoutesUnreadable(logger, new RedactedException(ex, redactor));
            }

            await base.StartAsync(cancellationToken);
            return;
        }

        readiness.Report("opening the database and loading apps.yaml");
        await InitializeDatabaseAsync(cancellationToken);
        _applied = config.LoadInitial();
        // Traffic first: the proxy serves the stored active slots even while Docker is unreachable.
        await recovery.RestoreRoutesAsync(cancellationToken);
        _routesRestored = true;
        config.StartWatching();
        readiness.MarkStarted();
        readiness.Report($"connecting to Docker at {options.Value.Docker}");
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!lease.IsHeld)
        {
            await lease.Held.WaitAsync(stoppingToken);
            readiness.Report("opening the database");
            await InitializeDatabaseAsync(stoppingToken);
            if (!_routesRestored)
            {
                await recovery.RestoreRoutesAsync(stoppingToken);
            }

            config.StartWatching();
            readiness.MarkStarted();
        }

        await ReconcileWhenDockerAnswersAsync(stoppingToken);
        readiness.MarkReconciled();
        // After readiness, not before: one more Docker call must not hold changes back, nor fail a reconciliation.
        await liveRestore.RefreshAsync(stoppingToken);

        await foreach (var next in config.ReadChangesAsync(stoppingToken))
        {
            try
            {
                await applier.ApplyAsync(_applied!, next, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ApplyFailed(logger, new RedactedException(ex, redactor));
            }

            _applied = next;
        }
    }

    private async Task InitializeDatabaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException)
        {
            // e.g. a folder the service user may not write, or a file another program holds locked.
            var file = Path.GetFullPath(options.Value.Database);
            throw new EngineStartException($"the database {file} (Cutover:Database) cannot be opened: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    private async Task ReconcileWhenDockerAnswersAsync(CancellationToken stoppingToken)
    {
        var warned = false;
        while (true)
        {
            if (await runtime.PingAsync(stoppingToken))
            {
                readiness.Report("reconciling with Docker");
                try
                {
                    await recovery.ReconcileAsync(stoppingToken);
                    Log.Reconciled(logger);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var redacted = new RedactedException(ex, redactor);
                    readiness.Report($"reconciling with Docker failed ({redacted.Message.ReplaceLineEndings(" ")}); retrying every {DockerRetry.TotalSeconds:0} s");
                    Log.ReconcileFailed(logger, redacted);
                }
            }
            else
            {
                readiness.Report($"waiting for Docker at {options.Value.Docker}; retrying every {DockerRetry.TotalSeconds:0} s");
                if (!warned)
                {
                    warned = true;
                    Log.DockerUnreachable(logger, options.Value.Docker);
                }
            }

            await Task.Delay(DockerRetry, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reconciled state with Docker")]
        public static partial void Reconciled(ILogger logger);

        [LoggerMessage(2, LogLevel.Error, "Reconciling with Docker failed; retrying")]
        public static partial void ReconcileFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Docker Engine is not reachable at {Endpoint}; the proxy keeps serving the stored slots, and the engine retries every 2 s")]
        public static partial void DockerUnreachable(ILogger logger, string endpoint);

        [LoggerMessage(4, LogLevel.Error, "Applying the new apps.yaml failed")]
        public static partial void ApplyFailed(ILogger logger, Exception exception);

        [LoggerMessage(5, LogLevel.Warning, "Another Cutover (pid {ProcessId}) runs on this database: taking over; the engine starts once it has drained")]
        public static partial void TakingOver(ILogger logger, int processId);

        [LoggerMessage(6, LogLevel.Warning, "The stored routes cannot be read before this release migrates the database; apps are served once the running host has let go (a plain restart's gap)")]
        public static partial void RoutesUnreadable(ILogger logger, Exception exception);
    }
}
