using System.ComponentModel.DataAnnotations;

namespace Cutover.Proxy;

/// <summary>Tuning of the data plane, bound from <c>Cutover:Proxy</c>.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Cutover:Proxy";

    /// <summary>
    /// How long a backend may stay silent mid-exchange before an ordinary request fails (504 before the answer
    /// starts). WebSockets and event streams are not bound by it but by the app's <c>proxy.idle_timeout</c>;
    /// long-polling backends that hold a plain request longer need a larger value.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long to wait for a TCP connection to a slot port; on loopback a dead slot refuses at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a removed or moved listener waits for its open connections before closing them.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ListenerShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
