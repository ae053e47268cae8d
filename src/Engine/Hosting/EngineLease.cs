using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Hosting;

/// <summary>One engine per database: an exclusive lock on <c>&lt;database&gt;.lock</c>, held for the life of the process.</summary>
/// <remarks>
/// On Linux .NET takes <see cref="FileShare.None"/> as <c>flock(LOCK_EX | LOCK_NB)</c>, which no other process can
/// take while this one lives, and which the kernel drops when the process dies, even by SIGKILL: a crash never
/// leaves a stale lock behind. Who holds it goes into a second file, <c>&lt;database&gt;.holder</c>, because nobody
/// else can open the locked file while it is held.
/// </remarks>
public sealed partial class EngineLease(IOptions<EngineOptions> options, TimeProvider time, ILogger<EngineLease> logger) : IDisposable
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private FileStream? _lock;

    /// <summary>The database as the operator named it, for messages.</summary>
    public string Database => options.Value.Database;

    public string LockPath => Path.GetFullPath(options.Value.Database) + ".lock";

    public string HolderPath => Path.GetFullPath(options.Value.Database) + ".holder";

    public bool IsHeld => _held.Task.IsCompleted;

    /// <summary>Completes once this process holds the lock; the engine writes nothing before.</summary>
    public Task Held => _held.Task;

    /// <summary>Takes the lock if nobody holds it, and writes down who holds it now.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_lock is not null)
            {
                return true;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
            try
            {
                _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return false;
            }

            WriteHolder(new EngineHolder(Environment.ProcessId, time.GetUtcNow(), options.Value.AdminUrl));
            _held.TrySetResult();
            Log.Acquired(logger, LockPath);
            return true;
        }
    }

    /// <summary>Waits for the running holder to let go, then takes the lock.</summary>
    /// <returns>False when the lock was still held after <paramref name="limit"/>.</returns>
    public async Task<bool> WaitAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (!TryAcquire())
        {
            if (time.GetElapsedTime(started) >= limit)
            {
                return false;
            }

            await Task.Delay(PollEvery, time, cancellationToken);
        }

        return true;
    }

    /// <summary>Who holds the lock, as that process wrote it down; null when unknown.</summary>
    public EngineHolder? ReadHolder()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(HolderPath), EngineHolderJson.Default.EngineHolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_lock is null)
            {
                return;
            }

            // Still holding the lock, so no successor has written its own holder file yet.
            try
            {
                File.Delete(HolderPath);
            }
            catch (IOException)
            {
            }

            _lock.Dispose();
            _lock = null;
        }
    }

    private void WriteHolder(EngineHolder holder)
    {
        // Written aside and moved, so that a reader never sees half a file.
        var next = HolderPath + ".next";
        File.WriteAllText(next, JsonSerializer.Serialize(holder, EngineHolderJson.Default.EngineHolder));
        File.Move(next, HolderPath, overwrite: true);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "This process runs the engine; it holds {LockFile}")]
        public static partial void Acquired(ILogger logger, string lockFile);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(EngineHolder))]
internal sealed partial class EngineHolderJson : System.Text.Json.Serialization.JsonSerializerContext;
