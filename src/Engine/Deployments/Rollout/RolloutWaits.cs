using System.Globalization;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary>Durations as apps.yaml writes them, for step messages ("1m", "30s", "1h30m").</summary>
internal static class RolloutWaits
{
    public static string Shown(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms");
        }

        var parts = (duration.Hours + (duration.Days * 24) > 0 ? $"{duration.Hours + (duration.Days * 24)}h" : string.Empty)
            + (duration.Minutes > 0 ? $"{duration.Minutes}m" : string.Empty)
            + (duration.Seconds > 0 ? $"{duration.Seconds}s" : string.Empty);
        return parts.Length == 0 ? "0s" : parts;
    }
}
