using System.Net;
using Cutover.Engine.Model;

namespace Cutover.Engine.Configuration;

/// <summary>When to pull an application's image before starting it.</summary>
public enum PullPolicy
{
    /// <summary>Pull only when the engine does not have the image (the default).</summary>
    Missing,

    /// <summary>Pull on every deployment, so a moved tag is picked up.</summary>
    Always,

    /// <summary>Never pull: the image must already be loaded (s3dock's `docker load`).</summary>
    Never,
}

/// <summary>One application of apps.yaml, validated and with every default filled in.</summary>
public sealed record AppSpec(
    string Name,
    string Image,
    PullPolicy Pull,
    IPEndPoint Listen,
    SlotPorts Slots,
    ContainerSpec Container,
    HealthSpec Health,
    DrainSpec Drain)
{
    /// <summary>How the proxy treats the application's connections; an init property so existing constructions keep the defaults.</summary>
    public ProxySpec Proxy { get; init; } = ProxySpec.Default;

    /// <summary>apps.yaml's <c>retain_images</c> when absent.</summary>
    public const int DefaultRetainImages = 5;

    /// <summary>How many of the images Cutover pulled for the app stay on disk when no container uses them (<c>retain_images</c>).</summary>
    public int RetainImages { get; init; } = DefaultRetainImages;

    /// <summary>The one-off release command run before the new slot starts; null: none.</summary>
    public ReleaseSpec? Release { get; init; }

    /// <summary>Whether a healthy new slot takes traffic by itself or waits in <c>paused</c> for a person.</summary>
    public PromotionMode Promotion { get; init; } = PromotionMode.Auto;

    /// <summary>Where the new slot answers from healthy until promoted or aborted; null: no preview listener.</summary>
    public PreviewSpec? Preview { get; init; }

    /// <summary>How traffic moves to the new slot.</summary>
    public DeploymentStrategy Strategy { get; init; } = DeploymentStrategy.BlueGreen;

    /// <summary>The canary steps when <see cref="Strategy"/> is canary; null otherwise.</summary>
    public CanarySpec? Canary { get; init; }

    /// <summary>How the new slot's traffic is judged during canary steps and the watch; null: not judged.</summary>
    public AnalysisSpec? Analysis { get; init; }

    /// <summary>The post-switch window in which the old slot keeps running; null: the old slot stops after its drain, as before.</summary>
    public WatchSpec? Watch { get; init; }
}

/// <summary>The two host ports (bound to 127.0.0.1 only) that the slots' containers are published on.</summary>
public sealed record SlotPorts(int Blue, int Green)
{
    public int Of(Slot slot) => slot == Slot.Blue ? Blue : Green;
}

/// <summary>How the application's container runs.</summary>
/// <param name="EnvFile">Absolute path of the env file (resolved against apps.yaml's folder), or null.</param>
/// <param name="MemoryBytes">Memory limit in bytes, or null for none.</param>
/// <param name="Cpus">CPU limit in cores, or null for none.</param>
/// <param name="Command">Overrides the image's command when not empty.</param>
public sealed record ContainerSpec(
    int Port,
    IReadOnlyDictionary<string, string> Env,
    string? EnvFile,
    IReadOnlyList<string> Volumes,
    long? MemoryBytes,
    double? Cpus,
    IReadOnlyList<string> Command)
{
    public const int DefaultPort = 8080;

    public static ContainerSpec Default { get; } =
        new(DefaultPort, new Dictionary<string, string>(), null, [], null, null, []);

    /// <summary>How Docker runs the container (network, restart, logs, privileges, labels); an init property so existing constructions keep the defaults.</summary>
    public ContainerRunSpec Run { get; init; } = ContainerRunSpec.Default;

    /// <summary>More variable names whose values are masked wherever Cutover shows or stores text (<c>container.secrets</c>).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Value equality, including the collections (records compare those by reference).</summary>
    public bool SameAs(ContainerSpec other) =>
        Port == other.Port
        && Run.SameAs(other.Run)
        && EnvFile == other.EnvFile
        && MemoryBytes == other.MemoryBytes
        && Cpus == other.Cpus
        && Env.Count == other.Env.Count && Env.All(e => other.Env.TryGetValue(e.Key, out var v) && v == e.Value)
        && Volumes.SequenceEqual(other.Volumes)
        && Command.SequenceEqual(other.Command)
        && Secrets.SequenceEqual(other.Secrets);
}

/// <summary>An inclusive range of HTTP status codes a health check accepts.</summary>
public sealed record StatusRange(int Min, int Max)
{
    public bool Contains(int status) => status >= Min && status <= Max;

    public override string ToString() => Min == Max ? $"{Min}" : $"{Min}-{Max}";
}

/// <summary>How a slot's health is checked: an HTTP GET on its slot port.</summary>
/// <param name="StartGrace">Time after the container starts before the first check.</param>
/// <param name="Deadline">A new slot not healthy by then (counted from its start) is rolled back.</param>
public sealed record HealthSpec(
    string Path,
    StatusRange Expect,
    TimeSpan Interval,
    TimeSpan Timeout,
    int HealthyAfter,
    TimeSpan StartGrace,
    TimeSpan Deadline)
{
    public static HealthSpec Default { get; } = new(
        "/",
        new StatusRange(200, 399),
        TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(1),
        3,
        TimeSpan.Zero,
        TimeSpan.FromSeconds(60));

    /// <summary>The Host header of health checks (e.g. an app that answers only its own name); null sends 127.0.0.1:PORT.</summary>
    public string? Host { get; init; }
}

/// <summary>How long the old slot's traffic may stay after a switch.</summary>
public sealed record DrainSpec(TimeSpan Timeout, TimeSpan WebSocketTimeout)
{
    public static DrainSpec Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));
}

/// <summary>How the proxy treats the application's connections (apps.yaml's <c>proxy:</c> section).</summary>
/// <param name="IdleTimeout">
/// How long a WebSocket or event stream may stay silent both ways before the proxy closes it; null (<c>none</c>)
/// never closes it for idling. Ordinary requests are bounded by the host's Cutover:Proxy:ActivityTimeout instead.
/// </param>
public sealed record ProxySpec(TimeSpan? IdleTimeout)
{
    /// <summary>The longest idle_timeout apps.yaml accepts; longer than this, <c>none</c> says it better.</summary>
    public static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromHours(24);

    /// <summary>The most trusted_proxies entries an app may list; a real front needs a handful.</summary>
    public const int MaxTrustedProxies = 64;

    public static ProxySpec Default { get; } = new((TimeSpan?)null);

    /// <summary>
    /// The networks whose X-Forwarded-*, Forwarded and X-Real-IP headers reach the backend as sent (X-Forwarded-For
    /// appended to); from any other peer the proxy replaces them from the connection. Empty: trust nobody.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Value equality, including the list (records compare that by reference), so a reload that repeats the same networks is no change.</summary>
    public bool Equals(ProxySpec? other) =>
        other is not null && IdleTimeout == other.IdleTimeout && TrustedProxies.SequenceEqual(other.TrustedProxies);

    public override int GetHashCode() => HashCode.Combine(IdleTimeout, TrustedProxies.Count);

    /// <summary>As apps.yaml would say it, for the audit trail.</summary>
    public override string ToString()
    {
        var idle = $"idle_timeout {(IdleTimeout is { } t ? t.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "s" : "none")}";
        return TrustedProxies.Count == 0 ? idle : $"{idle}, trusted_proxies [{string.Join(", ", TrustedProxies)}]";
    }
}

/// <summary>A whole, valid apps.yaml.</summary>
/// <param name="Path">The absolute path it was read from.</param>
public sealed record AppsConfig(string Path, IReadOnlyDictionary<string, AppSpec> Apps)
{
    public static AppsConfig Empty(string path) => new(path, new Dictionary<string, AppSpec>());
}
