using System.Globalization;

namespace Cutover.Web.Cli.Output;

/// <summary>Numbers as people read them: sizes, durations, times.</summary>
public static class Units
{
    private static readonly string[] ByteUnits = ["B", "KB", "MB", "GB", "TB"];

    /// <summary>1536 → "1.5 MB"-style, in powers of 1024 (what Docker shows).</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {ByteUnits[unit]}");
    }

    /// <summary>"850 ms", "12.3 s", "4m05s", "2h03m".</summary>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0} ms"),
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h{duration.Minutes:00}m"),
    };

    public static string? Seconds(double? seconds) => seconds is { } s ? Duration(TimeSpan.FromSeconds(s)) : null;

    /// <summary>UTC, to the second, sortable: "2026-11-25 14:03:07Z".</summary>
    public static string? Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string? Percent(double? rate) =>
        rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{(r <= 1 ? r * 100 : r):0.#}%") : null;

    public static string? Milliseconds(double? ms) => ms is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:0} ms") : null;
}
