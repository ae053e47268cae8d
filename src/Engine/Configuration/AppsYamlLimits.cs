namespace Cutover.Engine.Configuration;

/// <summary>How much apps.yaml may ask of the host: every bound is checked while reading, before any deeper work.</summary>
/// <remarks>
/// A reload runs under the monitor's lock and a start-up load before anything serves, so a file crafted or
/// mangled to be expensive (deep nesting, an alias bomb) must be refused quickly instead of taking the host down.
/// Each bound is far above what a real apps.yaml needs.
/// </remarks>
public static class AppsYamlLimits
{
    /// <summary>The largest apps.yaml, in bytes (of UTF-8 text).</summary>
    public const int MaxFileBytes = (int)BoundedFile.OneMebibyte;

    /// <summary>How deep lists and mappings may nest; apps.yaml itself needs five levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>How many nodes aliases (<c>*name</c>) may repeat in all, each alias counted as a copy of its anchor's node.</summary>
    public const int MaxAliasNodes = 100_000;

    /// <summary>At most this many problems are listed; the last one listed says how many more there are.</summary>
    public const int MaxProblems = 100;

    /// <summary>How long reading the YAML may take before the file is refused as too complex.</summary>
    /// <remarks>
    /// A last resort behind the size, depth and alias limits, measured in wall-clock time: a host starting on a
    /// starved CPU (a takeover during a busy upgrade was seen at 2 s) must not refuse a plain file.
    /// </remarks>
    public static readonly TimeSpan MaxReadTime = TimeSpan.FromSeconds(10);
}
