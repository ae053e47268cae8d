using System.Globalization;
using System.Text.RegularExpressions;

namespace Cutover.Engine.Configuration;

/// <summary>Durations as apps.yaml writes them: a number and one of ms, s, m, h (<c>500ms</c>, <c>1.5s</c>, <c>2m</c>).</summary>
public static partial class Duration
{
    public const string Expected = "a number followed by ms, s, m or h, e.g. 500ms, 2s, 1.5m, 1h";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var match = text is null ? Match.Empty : Pattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var milliseconds = match.Groups[2].Value switch
        {
            "ms" => amount,
            "s" => amount * 1_000,
            "m" => amount * 60_000,
            _ => amount * 3_600_000,
        };
        if (milliseconds > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)\z")]
    private static partial Regex Pattern();
}
