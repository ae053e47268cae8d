namespace Cutover.Engine.Configuration;

/// <summary>Docker's restart policy for an app's containers (apps.yaml's <c>container.restart</c>).</summary>
public enum RestartMode
{
    /// <summary>Never restarted by Docker; self-healing still starts a serving container that exits.</summary>
    No,

    /// <summary>Restarted by Docker after a non-zero exit.</summary>
    OnFailure,

    /// <summary>Always restarted by Docker, also when the daemon restarts.</summary>
    Always,

    /// <summary>Restarted by Docker unless Cutover (or someone) stopped it (the default).</summary>
    UnlessStopped,
}

/// <summary>Where a container's output goes and how much of it is kept (apps.yaml's <c>container.log</c>).</summary>
/// <param name="MaxSizeBytes">The size of one log file before it is rotated; null for drivers that do not rotate.</param>
/// <param name="MaxFiles">How many rotated files are kept; null for drivers that do not rotate.</param>
public sealed record LogSpec(string Driver, long? MaxSizeBytes, int? MaxFiles)
{
    /// <summary>The drivers that take max-size and max-file.</summary>
    public static readonly IReadOnlySet<string> RotatingDrivers = new HashSet<string>(StringComparer.Ordinal) { "json-file", "local" };

    /// <summary>json-file, 10 MiB × 3: no container's log grows without bound, even when apps.yaml says nothing.</summary>
    public static LogSpec Default { get; } = new("json-file", 10L << 20, 3);
}

/// <summary>How Docker runs an app's container beyond its image, environment and limits: network, restart, logs, privileges, labels.</summary>
/// <param name="Network">An existing user-defined network to join, or null for Docker's default bridge.</param>
/// <param name="Tmpfs">tmpfs mounts as written: <c>/path</c> or <c>/path:options</c>.</param>
/// <param name="User">uid[:gid] or name[:group]; null keeps the image's user.</param>
/// <param name="CapDrop">Capability names without the CAP_ prefix, upper case (ALL allowed).</param>
/// <param name="CapAdd">Capability names without the CAP_ prefix, upper case (ALL allowed).</param>
/// <param name="ExtraHosts">host:ip entries for the container's /etc/hosts.</param>
/// <param name="Labels">The operator's own labels; never a <c>cutover.</c> one (those are Cutover's).</param>
/// <param name="StopTimeout">How long a stop waits after SIGTERM before SIGKILL; null uses the host's Cutover:StopTimeout.</param>
/// <param name="AllowHostMounts">The operator means to mount / or the Docker socket into the container.</param>
public sealed record ContainerRunSpec(
    string? Network,
    RestartMode Restart,
    LogSpec Log,
    bool ReadOnly,
    IReadOnlyList<string> Tmpfs,
    string? User,
    IReadOnlyList<string> CapDrop,
    IReadOnlyList<string> CapAdd,
    bool NoNewPrivileges,
    IReadOnlyList<string> ExtraHosts,
    IReadOnlyDictionary<string, string> Labels,
    TimeSpan? StopTimeout,
    bool AllowHostMounts)
{
    /// <summary>The prefix of Cutover's own labels, which apps.yaml may not set.</summary>
    public const string ReservedLabelPrefix = "cutover.";

    public static ContainerRunSpec Default { get; } =
        new(null, RestartMode.UnlessStopped, LogSpec.Default, false, [], null, [], [], false, [], new Dictionary<string, string>(), null, false);

    /// <summary>Value equality, including the collections (records compare those by reference).</summary>
    public bool SameAs(ContainerRunSpec other) =>
        Network == other.Network
        && Restart == other.Restart
        && Log == other.Log
        && ReadOnly == other.ReadOnly
        && User == other.User
        && NoNewPrivileges == other.NoNewPrivileges
        && StopTimeout == other.StopTimeout
        && AllowHostMounts == other.AllowHostMounts
        && Tmpfs.SequenceEqual(other.Tmpfs)
        && CapDrop.SequenceEqual(other.CapDrop)
        && CapAdd.SequenceEqual(other.CapAdd)
        && ExtraHosts.SequenceEqual(other.ExtraHosts)
        && Labels.Count == other.Labels.Count && Labels.All(l => other.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
