using System.Threading.Channels;
using Cutover.Engine.Events;
using Cutover.Engine.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Configuration;

/// <summary>Holds the apps.yaml in force and reloads it when the file changes; an invalid edit is refused whole.</summary>
/// <remarks>
/// The config is an immutable snapshot swapped atomically (as YARP's config providers do); accepted changes
/// are queued to the engine in order, rejected ones are kept as <see cref="LastRejection"/> for the console.
/// </remarks>
public sealed partial class AppsConfigMonitor : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private readonly EngineOptions _options;
    private readonly EngineEventStream _events;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<AppsConfigMonitor> _logger;
    private readonly Channel<AppsConfig> _accepted = Channel.CreateUnbounded<AppsConfig>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _reloadGate = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private AppsConfig? _current;
    private string? _currentText;

    public AppsConfigMonitor(IOptions<EngineOptions> options, EngineEventStream events, EngineMetrics metrics, TimeProvider time, ILogger<AppsConfigMonitor> logger)
    {
        _metrics = metrics;
        _options = options.Value;
        _events = events;
        _time = time;
        _logger = logger;
        FilePath = Path.GetFullPath(_options.AppsFile);
    }

    public string FilePath { get; }

    /// <summary>The config in force.</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="LoadInitial"/>.</exception>
    public AppsConfig Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("apps.yaml has not been loaded yet.");

    /// <summary>The config in force, or null before <see cref="LoadInitial"/>: for readers that may run that early.</summary>
    internal AppsConfig? CurrentOrNull => Volatile.Read(ref _current);

    /// <summary>The text of the config in force, for the console's configuration page.</summary>
    public string? CurrentText => Volatile.Read(ref _currentText);

    /// <summary>The last refused edit, cleared when a valid one is accepted or the file is put back as the config in force.</summary>
    public ConfigRejection? LastRejection { get; private set; }

    /// <summary>Ports apps.yaml may not use because the host itself listens there.</summary>
    public IReadOnlySet<int> ReservedPorts => _options.ReservedPorts;

    /// <summary>Loads the file at start-up; an invalid file stops the host with every problem listed.</summary>
    /// <exception cref="ConfigException"/>
    public AppsConfig LoadInitial()
    {
        var text = ReadText();
        var config = AppsYamlParser.Parse(text, FilePath, _options.ReservedPorts);
        Volatile.Write(ref _currentText, text);
        Volatile.Write(ref _current, config);
        Log.Loaded(_logger, FilePath, config.Apps.Count);
        return config;
    }

    /// <summary>Starts watching the file; accepted changes then arrive through <see cref="ReadChangesAsync"/>.</summary>
    public void StartWatching()
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        _debounce = _time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(directory, Path.GetFileName(FilePath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        // Editors save by truncating, renaming or replacing: wait for the writes to settle before reading.
        FileSystemEventHandler changed = (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Each accepted new config, in order.</summary>
    public IAsyncEnumerable<AppsConfig> ReadChangesAsync(CancellationToken cancellationToken) => _accepted.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Reads and validates the file now; applies it when valid and changed.</summary>
    /// <returns>The problems found; empty when the file was accepted (or unchanged).</returns>
    public IReadOnlyList<ConfigProblem> Reload()
    {
        lock (_reloadGate)
        {
            string text;
            AppsConfig config;
            try
            {
                text = ReadText();
                if (text == CurrentText)
                {
                    ClearRevertedRejection();
                    return [];
                }

                config = AppsYamlParser.Parse(text, FilePath, _options.ReservedPorts);
            }
            catch (ConfigException ex)
            {
                LastRejection = new ConfigRejection(_time.GetUtcNow(), ex.Problems);
                _metrics.ConfigRefused();
                Log.Rejected(_logger, FilePath, ex.Message);
                _events.Publish(new ConfigApplied(_time.GetUtcNow(), FilePath, Current.Apps.Keys.ToArray(), ex.Problems.Select(p => p.ToString()).ToArray()));
                return ex.Problems;
            }

            Volatile.Write(ref _currentText, text);
            Volatile.Write(ref _current, config);
            LastRejection = null;
            _accepted.Writer.TryWrite(config);
            Log.Loaded(_logger, FilePath, config.Apps.Count);
            _events.Publish(new ConfigApplied(_time.GetUtcNow(), FilePath, config.Apps.Keys.ToArray(), []));
            return [];
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _accepted.Writer.TryComplete();
    }

    /// <summary>The file is back to the text in force: the refused edit no longer stands, so the console stops showing it.</summary>
    private void ClearRevertedRejection()
    {
        if (LastRejection is null)
        {
            return;
        }

        LastRejection = null;
        Log.Reverted(_logger, FilePath);
        _events.Publish(new ConfigApplied(_time.GetUtcNow(), FilePath, Current.Apps.Keys.ToArray(), []));
    }

    // Bounded before it opens anything (a FIFO would block this lock, /dev/zero fill memory); see AppsYamlLimits.
    private string ReadText() => AppsYamlParser.ReadFile(FilePath);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loaded {Path}: {Count} application(s)")]
        public static partial void Loaded(ILogger logger, string path, int count);

        [LoggerMessage(2, LogLevel.Error, "Refused the edit of {Path}; the last good config stays in force. {Problems}")]
        public static partial void Rejected(ILogger logger, string path, string problems);

        [LoggerMessage(3, LogLevel.Information, "{Path} is back to the config in force; the refused edit no longer stands")]
        public static partial void Reverted(ILogger logger, string path);
    }
}

/// <summary>A refused edit of apps.yaml: when, and everything that was wrong.</summary>
public sealed record ConfigRejection(DateTimeOffset At, IReadOnlyList<ConfigProblem> Problems);
