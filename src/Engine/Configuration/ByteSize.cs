using System.Globalization;
using System.Text.RegularExpressions;

namespace Cutover.Engine.Configuration;

/// <summary>Sizes as apps.yaml writes them: a whole number and an optional b, k, m or g suffix, 1024-based (<c>512m</c>).</summary>
public static partial class ByteSize
{
    public const string Expected = "a whole number of bytes with an optional b, k, m or g suffix (1024-based), e.g. 512m or 2g";

    /// <returns>False when the text is not a size or the size does not fit in a <see cref="long"/>.</returns>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = text is null ? Match.Empty : Pattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var shift = char.ToLowerInvariant(match.Groups[2].Value.FirstOrDefault('b')) switch
        {
            'k' => 10,
            'm' => 20,
            'g' => 30,
            _ => 0,
        };
        if (amount > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = amount << shift;
        return true;
    }

    [GeneratedRegex(@"^([0-9]+)([bkmg]?)\z", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
