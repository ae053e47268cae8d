using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Engine.Runtime;

/// <summary>The container engine as the deployment state machine needs it; Docker in production, a fake in unit tests.</summary>
public interface IContainerRuntime
{
    /// <summary>True when the image is present locally.</summary>
    Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken);

    /// <summary>Pulls the image, reporting per-layer progress.</summary>
    /// <exception cref="ContainerRuntimeException">The pull failed (unknown image, registry unreachable, ...).</exception>
    Task PullImageAsync(string image, IProgress<PullProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the image's name (its last name: the image with it), never by force: Docker refuses while any container,
    /// of any app or tool, uses the image, and that answer is <see cref="ImageRemoval.InUse"/>.
    /// </summary>
    Task<ImageRemoval> RemoveImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>Every container of this instance (and unlabelled ones from before instances), running or not; never another instance's.</summary>
    Task<IReadOnlyList<ManagedContainer>> ListManagedAsync(CancellationToken cancellationToken);

    /// <summary>Creates the slot's container without starting it, replacing a container of the same name only if it is this instance's.</summary>
    /// <exception cref="ContainerRuntimeException">The name is taken by another instance's container, or by one Cutover did not create.</exception>
    Task<ManagedContainer> CreateAsync(SlotContainerSpec spec, CancellationToken cancellationToken);

    Task StartAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="timeout"/>. Stopping a stopped or missing container is not an error.</summary>
    Task StopAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Removes the container (forcing it if running). Removing a missing container is not an error.</summary>
    Task RemoveAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="tail"/> lines of the container's stdout and stderr, oldest first.</summary>
    Task<IReadOnlyList<string>> GetLogsAsync(string containerId, int tail, CancellationToken cancellationToken);

    /// <summary>
    /// The last <paramref name="tail"/> lines, then each line as soon as the container writes it, until it stops or the
    /// caller cancels; one stream, so no line falls between the tail and what follows.
    /// </summary>
    IAsyncEnumerable<string> FollowLogsAsync(string containerId, int tail, CancellationToken cancellationToken);

    /// <summary>
    /// This instance's container events (started, died, OOM-killed, removed) as Docker reports them, from
    /// <paramref name="since"/> (null: from now) until the connection breaks (the enumeration ends or throws) or the
    /// caller cancels.
    /// </summary>
    IAsyncEnumerable<ContainerEvent> WatchAsync(DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>Whether the engine answers at all (for reconnecting after an outage).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>The daemon's settings that change what an operator should expect of Cutover (Docker's <c>/info</c>).</summary>
    /// <exception cref="ContainerRuntimeException">Docker does not answer.</exception>
    Task<DaemonInfo> GetDaemonInfoAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates a one-off container (e.g. the release command) without starting it: no published port, no restart policy,
    /// labelled as this instance's; a leftover of the same name of this instance is replaced.
    /// </summary>
    /// <returns>The container's id.</returns>
    /// <exception cref="ContainerRuntimeException">The image is missing, the network is missing, or the name is another's.</exception>
    Task<string> CreateOneOffAsync(OneOffContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>Waits until the container has exited, and returns its exit code.</summary>
    /// <exception cref="ContainerRuntimeException">The container does not exist, or Docker cannot say.</exception>
    Task<long> WaitForExitAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>This instance's one-off containers, running or not (never another instance's; never a slot's).</summary>
    Task<IReadOnlyList<OneOffContainer>> ListOneOffsAsync(CancellationToken cancellationToken);
}

/// <summary>Everything needed to create one slot's container.</summary>
/// <param name="HostPort">The slot port, always published on 127.0.0.1 only.</param>
/// <param name="Env">Environment, env_file entries already merged in (explicit env wins).</param>
/// <param name="Replaces">The id of the unlabelled container this instance tracks in the slot, which may be replaced (see <see cref="ContainerNaming.InstanceLabel"/>).</param>
public sealed record SlotContainerSpec(
    string App,
    Slot Slot,
    string Image,
    string DeploymentId,
    int HostPort,
    int ContainerPort,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<string> Volumes,
    long? MemoryBytes,
    double? Cpus,
    IReadOnlyList<string> Command,
    string? Replaces = null)
{
    /// <summary>How Docker runs it: network, restart, log, privileges, labels, stop timeout (an init property, so existing constructions keep the defaults).</summary>
    public ContainerRunSpec Run { get; init; } = ContainerRunSpec.Default;

    /// <summary>cutover-&lt;app&gt;-&lt;slot&gt;.</summary>
    public string ContainerName => ContainerNaming.NameOf(App, Slot);
}

/// <summary>What became of an image Cutover asked Docker to remove.</summary>
public enum ImageRemoval
{
    Removed,

    /// <summary>A container (running or not) still uses it: kept.</summary>
    InUse,

    /// <summary>Already gone.</summary>
    Missing,
}

/// <summary>A container carrying Cutover's labels, as the runtime reports it.</summary>
/// <param name="Instance">The instance that created it; null for a container made before instances were labelled.</param>
public sealed record ManagedContainer(
    string Id,
    string Name,
    string App,
    Slot Slot,
    string Image,
    string? DeploymentId,
    bool Running,
    string State,
    DateTimeOffset? StartedAt,
    string? Instance = null);

/// <summary>Something that happened to one of this instance's containers.</summary>
/// <param name="Action">Docker's word for it: start, die, oom or destroy.</param>
/// <param name="ExitCode">The exit code, for a die.</param>
public sealed record ContainerEvent(DateTimeOffset At, string ContainerId, string App, Slot Slot, string Action, string? ExitCode);

/// <summary>What Docker says of itself.</summary>
/// <param name="LiveRestore">Docker's <c>live-restore</c>: containers keep running while dockerd restarts (e.g. a package upgrade).</param>
public sealed record DaemonInfo(bool LiveRestore);

/// <summary>Progress of an image pull: one layer's bytes, or a status line.</summary>
public sealed record PullProgress(string? LayerId, string Status, long? Current, long? Total);

/// <summary>The container runtime refused or failed an operation; the message is meant for the operator.</summary>
public sealed class ContainerRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The names and labels that make Cutover's containers findable.</summary>
public static class ContainerNaming
{
    /// <summary>The id of the instance (one per database) that created the container.</summary>
    public const string InstanceLabel = "cutover.instance";

    public const string AppLabel = "cutover.app";
    public const string SlotLabel = "cutover.slot";
    public const string DeploymentLabel = "cutover.deployment";
    public const string ImageLabel = "cutover.image";

    /// <summary>What a one-off container is for (<c>release</c>); slot containers do not carry it.</summary>
    public const string RoleLabel = "cutover.role";

    public static string NameOf(string app, Slot slot) => $"cutover-{app}-{slot.Name()}";
}
