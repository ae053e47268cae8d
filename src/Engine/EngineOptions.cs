using System.ComponentModel.DataAnnotations;

namespace Cutover.Engine;

/// <summary>The engine's settings, bound from the <c>Cutover</c> section (appsettings, Cutover__X variables, --Cutover:X).</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Cutover";

    /// <summary>apps.yaml; relative paths are resolved against the working directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string AppsFile { get; set; } = "appsettings/apps.yaml";

    /// <summary>The SQLite database file; its folder is created when missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Database { get; set; } = "data/cutover.db";

    /// <summary>The Docker Engine endpoint.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Docker { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>How long a stopped container gets between SIGTERM and SIGKILL.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The admin API and console address; its port may not be used by apps.yaml.</summary>
    [Required(AllowEmptyStrings = false)]
    public string AdminUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Ports apps.yaml may not use (the admin port).</summary>
    public IReadOnlySet<int> ReservedPorts =>
        Uri.TryCreate(AdminUrl, UriKind.Absolute, out var uri) ? new HashSet<int> { uri.Port } : new HashSet<int>();

    /// <summary>
    /// When another Cutover already runs on this database: take over from it without downtime (bind every listener
    /// beside it, then ask it to drain and exit) instead of refusing to start.
    /// </summary>
    public bool Takeover { get; set; }

    /// <summary>Health checks older than this are deleted.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan HealthRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many times within <see cref="HealWindow"/> a serving container is restarted or replaced before self-healing gives up.</summary>
    [Range(1, 100)]
    public int HealAttempts { get; set; } = 5;

    /// <summary>The window <see cref="HealAttempts"/> counts in: a container that crashes less often is healed every time.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan HealWindow { get; set; } = TimeSpan.FromMinutes(10);
}
