using System.ComponentModel.DataAnnotations;

namespace Cutover.Engine.Runtime;

/// <summary>How <see cref="DockerContainerRuntime"/> reaches the Docker Engine, bound from <c>Cutover:Docker</c>.</summary>
public sealed class DockerOptions
{
    public const string SectionName = "Cutover:Docker";

    /// <summary>
    /// The Engine API endpoint: <c>unix:///path/to/docker.sock</c>, or <c>tcp://host:port</c> / <c>http://host:port</c>
    /// (plain HTTP only; TLS client certificates are not supported).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Endpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>
    /// How long one ordinary API call (inspect, list, create, start, remove, logs) may take. Stopping a container
    /// gets its stop timeout on top of this; pulling an image is bounded by <see cref="PullTimeout"/> instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long to wait for a TCP connection to a <c>tcp://</c> endpoint. A unix socket that is missing or not
    /// listened on fails at once, so this does not apply to it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a ping may take before the engine is considered unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How many container creates and starts are sent to the engine at once; more wait their turn, without that wait
    /// counting against <see cref="RequestTimeout"/>. Docker does much of a start one at a time anyway.
    /// </summary>
    [Range(1, 64)]
    public int ConcurrentStarts { get; set; } = 4;

    /// <summary>How long one image pull may take in all.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
