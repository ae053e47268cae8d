using Cutover.Engine.Secrets;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Runtime;

/// <summary>Whether Docker's <c>live-restore</c> is on, as last read from the daemon, for the host status, <c>/readyz</c> and the console.</summary>
/// <remarks>
/// Without live-restore, restarting dockerd (which a Docker package upgrade does) stops every container, so every app
/// answers 502 until Docker restarts them. That is a warning, not a failure: the host works either way. The setting
/// is read when the engine first reconciles with Docker and again each time Docker comes back after being away,
/// because a daemon that restarted may have been reconfigured.
/// </remarks>
public sealed partial class DockerLiveRestore(IContainerRuntime runtime, SecretRedactor redactor, TimeProvider time, ILogger<DockerLiveRestore> logger)
{
    /// <summary>What the host says while live-restore is off.</summary>
    public const string OffWarning =
        "Docker live-restore is off: restarting dockerd (a Docker package upgrade does) stops every app container; turn it on: see docs/operations.md";

    private readonly Lock _gate = new();
    private bool? _enabled;
    private DateTimeOffset? _readAt;

    /// <summary>Raised after <see cref="Enabled"/> changed (first read included); handlers must not block.</summary>
    public event Action? Changed;

    /// <summary>Docker's live-restore as last read; null until Docker has answered once.</summary>
    public bool? Enabled
    {
        get
        {
            lock (_gate)
            {
                return _enabled;
            }
        }
    }

    /// <summary>When <see cref="Enabled"/> was last read.</summary>
    public DateTimeOffset? ReadAt
    {
        get
        {
            lock (_gate)
            {
                return _readAt;
            }
        }
    }

    /// <summary><see cref="OffWarning"/> while live-restore is known to be off; null when on or not known yet.</summary>
    public string? Warning => Enabled == false ? OffWarning : null;

    /// <summary>Reads the setting from Docker; a Docker that does not answer leaves the last reading in place.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        DaemonInfo info;
        try
        {
            info = await runtime.GetDaemonInfoAsync(cancellationToken);
        }
        catch (ContainerRuntimeException ex)
        {
            // Docker went away again between the ping and this read: the next reconnect reads it.
            Log.ReadFailed(logger, redactor.Redact(ex.Message));
            return;
        }

        bool? before;
        lock (_gate)
        {
            before = _enabled;
            _enabled = info.LiveRestore;
            _readAt = time.GetUtcNow();
        }

        if (before == info.LiveRestore)
        {
            return;
        }

        if (info.LiveRestore)
        {
            Log.On(logger);
        }
        else
        {
            Log.Off(logger);
        }

        Changed?.Invoke();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Docker live-restore is on: app containers keep running while dockerd restarts")]
        public static partial void On(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, OffWarning)]
        public static partial void Off(ILogger logger);

        [LoggerMessage(3, LogLevel.Debug, "Could not read Docker's live-restore setting ({Reason}); it is read again when Docker comes back")]
        public static partial void ReadFailed(ILogger logger, string reason);
    }
}
