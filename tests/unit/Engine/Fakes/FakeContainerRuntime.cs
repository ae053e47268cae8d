using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cutover.Engine.Model;
using Cutover.Engine.Runtime;

namespace Cutover.Tests.Unit.Engine.Fakes;

/// <summary>An in-memory container engine: containers are records, images a set.</summary>
internal sealed class FakeContainerRuntime : IContainerRuntime
{
    private readonly ConcurrentDictionary<string, ManagedContainer> _containers = new();
    private int _next;

    /// <summary>The instance label of the containers it creates (the real runtime lists only its own instance's).</summary>
    public const string Instance = "fake0instance";

    public ImageSet Images { get; } = ["demo:v1", "demo:v2"];

    /// <summary>Images a container outside Cutover (another tool's) uses: Docker refuses to remove them.</summary>
    public ConcurrentDictionary<string, bool> UsedElsewhere { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Every spec a container was created from, in order.</summary>
    public ConcurrentQueue<SlotContainerSpec> Created { get; } = new();

    /// <summary>Every stop, with the timeout it was given.</summary>
    public ConcurrentQueue<(string ContainerId, TimeSpan Timeout)> Stops { get; } = new();

    public bool Reachable { get; set; } = true;

    /// <summary>Containers exit as soon as they start, as an app that crashes at boot does.</summary>
    public bool ExitOnStart { get; set; }

    /// <summary>What every container has printed.</summary>
    public IReadOnlyList<string> LogLines { get; set; } = ["fake log line"];

    public IReadOnlyCollection<ManagedContainer> Containers => _containers.Values.ToArray();

    public ManagedContainer? In(string app, Slot slot) => _containers.Values.SingleOrDefault(c => c.App == app && c.Slot == slot);

    public Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken) => Task.FromResult(Images.Contains(image));

    public Task PullImageAsync(string image, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"pull {image}");
        if (!image.StartsWith("demo:", StringComparison.Ordinal))
        {
            throw new ContainerRuntimeException($"Pulling {image} failed: not found");
        }

        progress?.Report(new PullProgress("layer1", "Downloading", 10, 10));
        Images.Add(image);
        return Task.CompletedTask;
    }

    /// <summary>While set and not completed, image removals wait for it: a deployment's slow after-work.</summary>
    public TaskCompletionSource? RemovalHold { get; set; }

    public async Task<ImageRemoval> RemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"rmi {image}");
        if (RemovalHold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return Remove(image);
    }

    private ImageRemoval Remove(string image)
    {
        if (!Images.Contains(image))
        {
            return ImageRemoval.Missing;
        }

        if (UsedElsewhere.ContainsKey(image) || _containers.Values.Any(c => c.Image == image))
        {
            return ImageRemoval.InUse;
        }

        Images.Remove(image);
        return ImageRemoval.Removed;
    }

    public Task<IReadOnlyList<ManagedContainer>> ListManagedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ManagedContainer>>(_containers.Values.ToArray());

    public Task<ManagedContainer> CreateAsync(SlotContainerSpec spec, CancellationToken cancellationToken)
    {
        foreach (var same in _containers.Values.Where(c => c.Name == spec.ContainerName))
        {
            _containers.TryRemove(same.Id, out _);
        }

        var id = $"c{Interlocked.Increment(ref _next):D3}{new string('0', 60)}";
        var container = new ManagedContainer(id, spec.ContainerName, spec.App, spec.Slot, spec.Image, spec.DeploymentId, false, "created", null, Instance);
        _containers[id] = container;
        Calls.Enqueue($"create {spec.ContainerName} {spec.Image}");
        Created.Enqueue(spec);
        return Task.FromResult(container);
    }

    /// <summary>Adds a container of this instance as if a crash had left it behind (<paramref name="unlabelled"/>: from before instance labels).</summary>
    public ManagedContainer Add(string app, Slot slot, string image, bool running, bool unlabelled = false)
    {
        var id = $"x{Interlocked.Increment(ref _next):D3}{new string('0', 60)}";
        var container = new ManagedContainer(
            id, ContainerNaming.NameOf(app, slot), app, slot, image, null, running, running ? "running" : "exited", null, unlabelled ? null : Instance);
        _containers[id] = container;
        return container;
    }

    public Task StartAsync(string containerId, CancellationToken cancellationToken)
    {
        if (_oneOffs.TryGetValue(containerId, out var oneOff) && ReleaseExitCode is { } code)
        {
            oneOff.Exited.TrySetResult(code);
        }

        return Set(containerId, running: !ExitOnStart, "start");
    }

    public Task StopAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Stops.Enqueue((containerId, timeout));
        return Set(containerId, running: false, "stop");
    }

    public Task RemoveAsync(string containerId, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"remove {containerId[..4]}");
        _containers.TryRemove(containerId, out _);
        if (_oneOffs.TryRemove(containerId, out var oneOff))
        {
            // Removed by force: killed, as Docker reports it.
            oneOff.Exited.TrySetResult(137);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetLogsAsync(string containerId, int tail, CancellationToken cancellationToken) =>
        Task.FromResult(LogLines);

    /// <summary>What followed containers write after their tail: the test writes, the followers read.</summary>
    public Channel<string> FollowedOutput { get; } = Channel.CreateUnbounded<string>();

    public async IAsyncEnumerable<string> FollowLogsAsync(string containerId, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_oneOffs.TryGetValue(containerId, out var oneOff))
        {
            foreach (var line in ReleaseOutput)
            {
                yield return line;
            }

            // As Docker's stream does: it ends when the container exits (or is removed).
            await oneOff.Exited.Task.WaitAsync(cancellationToken);
            yield break;
        }

        foreach (var line in LogLines.TakeLast(tail))
        {
            yield return line;
        }

        await foreach (var line in FollowedOutput.Reader.ReadAllAsync(cancellationToken))
        {
            yield return line;
        }
    }

    /// <summary>The event stream the next <see cref="WatchAsync"/> reads; completing its writer (with an error) breaks the stream.</summary>
    public Channel<ContainerEvent> Events { get; private set; } = Channel.CreateUnbounded<ContainerEvent>();

    /// <summary>How many times the events were watched (a reconnect watches again).</summary>
    public int Watches => _watches;

    private int _watches;

    public async IAsyncEnumerable<ContainerEvent> WatchAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _watches);
        var events = Events;
        await foreach (var e in events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return e;
        }
    }

    /// <summary>Breaks the current event stream as a Docker restart would; the next watch gets a fresh one.</summary>
    public void BreakEvents()
    {
        var broken = Events;
        Events = Channel.CreateUnbounded<ContainerEvent>();
        broken.Writer.TryComplete(new ContainerRuntimeException("Docker went away"));
    }

    /// <summary>The container exits (as a crash, or `docker stop`, would), and Docker says so.</summary>
    public ContainerEvent Die(string containerId, string exitCode = "1", bool restartedByDocker = false)
    {
        var container = _containers[containerId];
        _containers[containerId] = container with { Running = restartedByDocker, State = restartedByDocker ? "running" : "exited" };
        var died = new ContainerEvent(DateTimeOffset.UtcNow, containerId, container.App, container.Slot, "die", exitCode);
        Events.Writer.TryWrite(died);
        return died;
    }

    /// <summary>The container is removed behind Cutover's back (`docker rm -f`), and Docker says so.</summary>
    public ContainerEvent Destroy(string containerId)
    {
        _containers.TryRemove(containerId, out var container);
        Events.Writer.TryWrite(new ContainerEvent(DateTimeOffset.UtcNow, containerId, container!.App, container.Slot, "die", "137"));
        var destroyed = new ContainerEvent(DateTimeOffset.UtcNow, containerId, container.App, container.Slot, "destroy", null);
        Events.Writer.TryWrite(destroyed);
        return destroyed;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(Reachable);

    /// <summary>Docker's live-restore as <c>/info</c> reports it; off by default, as on a stock Docker install.</summary>
    public bool LiveRestore { get; set; }

    /// <summary>How many times <c>/info</c> was read.</summary>
    public int DaemonInfoReads => _daemonInfoReads;

    private int _daemonInfoReads;

    public Task<DaemonInfo> GetDaemonInfoAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _daemonInfoReads);
        return Reachable
            ? Task.FromResult(new DaemonInfo(LiveRestore))
            : Task.FromException<DaemonInfo>(new ContainerRuntimeException("Docker Engine is not reachable at fake://docker"));
    }

    private readonly ConcurrentDictionary<string, FakeOneOff> _oneOffs = new();

    /// <summary>How one-off containers (the release command) exit once started, 0 by default; null: they run until removed.</summary>
    public long? ReleaseExitCode { get; set; } = 0;

    /// <summary>What one-off containers print.</summary>
    public IReadOnlyList<string> ReleaseOutput { get; set; } = ["release line"];

    /// <summary>Every spec a one-off container was created from, in order.</summary>
    public ConcurrentQueue<OneOffContainerSpec> OneOffsCreated { get; } = new();

    /// <summary>The one-off containers present now (created and not removed).</summary>
    public IReadOnlyCollection<OneOffContainer> OneOffs => [.. _oneOffs.Values.Select(o => o.Container)];

    /// <summary>Adds a one-off container as if a crash had left it behind.</summary>
    public OneOffContainer AddOneOff(string app, long deploymentId, bool running = true)
    {
        var id = $"o{Interlocked.Increment(ref _next):D3}{new string('0', 60)}";
        var container = new OneOffContainer(id, $"cutover-{app}-release-{deploymentId}", app, OneOffContainerSpec.ReleaseRole, deploymentId.ToString(System.Globalization.CultureInfo.InvariantCulture), running);
        _oneOffs[id] = new FakeOneOff(container);
        return container;
    }

    /// <summary>A running one-off container's command ends by itself with <paramref name="exitCode"/>.</summary>
    public void ExitOneOff(string containerId, long exitCode) => _oneOffs[containerId].Exited.TrySetResult(exitCode);

    public Task<string> CreateOneOffAsync(OneOffContainerSpec spec, CancellationToken cancellationToken)
    {
        if (!Images.Contains(spec.Image))
        {
            throw new ContainerRuntimeException($"Cannot create {spec.ContainerName}: image {spec.Image} is not present on this machine");
        }

        var id = $"o{Interlocked.Increment(ref _next):D3}{new string('0', 60)}";
        _oneOffs[id] = new FakeOneOff(new OneOffContainer(id, spec.ContainerName, spec.App, spec.Role, spec.DeploymentId.ToString(System.Globalization.CultureInfo.InvariantCulture), false));
        Calls.Enqueue($"create {spec.ContainerName} {spec.Image}");
        OneOffsCreated.Enqueue(spec);
        return Task.FromResult(id);
    }

    public async Task<long> WaitForExitAsync(string containerId, CancellationToken cancellationToken)
    {
        if (!_oneOffs.TryGetValue(containerId, out var oneOff))
        {
            throw new ContainerRuntimeException($"Cannot wait for {containerId}: the container does not exist.");
        }

        return await oneOff.Exited.Task.WaitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<OneOffContainer>> ListOneOffsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OneOffContainer>>([.. _oneOffs.Values.Select(o => o.Container)]);

    private sealed record FakeOneOff(OneOffContainer Container)
    {
        public TaskCompletionSource<long> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Task Set(string containerId, bool running, string verb)
    {
        Calls.Enqueue($"{verb} {containerId[..4]}");
        if (_containers.TryGetValue(containerId, out var container))
        {
            _containers[containerId] = container with { Running = running, State = running ? "running" : "exited" };
        }

        return Task.CompletedTask;
    }
}

/// <summary>The fake engine's images: a set that tests add to and the runtime removes from, from any thread.</summary>
internal sealed class ImageSet : IEnumerable<string>
{
    private readonly HashSet<string> _images = new(StringComparer.Ordinal);

    public void Add(string image)
    {
        lock (_images)
        {
            _images.Add(image);
        }
    }

    public bool Contains(string image)
    {
        lock (_images)
        {
            return _images.Contains(image);
        }
    }

    public bool Remove(string image)
    {
        lock (_images)
        {
            return _images.Remove(image);
        }
    }

    public IEnumerator<string> GetEnumerator()
    {
        lock (_images)
        {
            return _images.ToList().GetEnumerator();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
