using Cutover.Engine.Board;

namespace Cutover.Web.ConsoleState;

/// <summary>
/// One circuit's copy of the engine's <see cref="AppBoard"/>: its snapshot, then its changes as they come.
/// Components render <see cref="Apps"/> and re-render on <see cref="Changed"/>.
/// </summary>
/// <remarks>Reads nothing itself: the board reads SQLite once for every circuit, and pushes the proxy's counts.</remarks>
public sealed partial class LiveApps(AppBoard board, ILogger<LiveApps> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _starting = new(1, 1);
    private Dictionary<string, LiveApp> _apps = new(StringComparer.Ordinal);
    private long _version;
    private Task? _following;

    /// <summary>Raised after the state changed; handlers run on the engine's threads and must marshal to render.</summary>
    public event Action? Changed;

    public bool Loaded { get; private set; }

    public string? LoadError { get; private set; }

    public IReadOnlyList<LiveApp> Apps
    {
        get
        {
            lock (_gate)
            {
                return _apps.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public LiveApp? Get(string app)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault(app);
        }
    }

    /// <summary>Subscribes to the board and applies its snapshot. Safe to call twice.</summary>
    public async Task StartAsync()
    {
        await _starting.WaitAsync(_stop.Token);
        try
        {
            if (_following is not null)
            {
                return;
            }

            BoardSubscription subscription;
            try
            {
                subscription = await board.SubscribeAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LoadError = ex.Message;
                Log.LoadFailed(logger, ex);
                _following = Task.CompletedTask;
                Changed?.Invoke();
                return;
            }

            lock (_gate)
            {
                _apps = subscription.Snapshot.Apps.ToDictionary(a => a.Name, StringComparer.Ordinal);
                _version = subscription.Snapshot.Version;
            }

            Loaded = true;
            _following = FollowAsync(subscription.Changes, _stop.Token);
            Changed?.Invoke();
        }
        finally
        {
            _starting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_following is not null)
        {
            await _following;
        }

        _stop.Dispose();
        _starting.Dispose();
    }

    private async Task FollowAsync(IAsyncEnumerable<BoardChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in changes.WithCancellation(cancellationToken))
            {
                lock (_gate)
                {
                    // Already in the snapshot.
                    if (change.Version <= _version)
                    {
                        continue;
                    }

                    _version = change.Version;
                    if (change.App is { } app)
                    {
                        _apps[change.Name] = app;
                    }
                    else
                    {
                        _apps.Remove(change.Name);
                    }
                }

                Changed?.Invoke();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "The console could not read the applications")]
        public static partial void LoadFailed(ILogger logger, Exception exception);
    }
}
