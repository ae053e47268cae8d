using System.Globalization;
using Cutover.Engine.Configuration;

namespace Cutover.Engine.Maintenance;

/// <summary>What a maintenance notice may hold: a short printable message and a bounded Retry-After.</summary>
public static class MaintenanceRules
{
    /// <summary>A sentence or two for a page, not a document.</summary>
    public const int MaxMessageLength = 500;

    /// <summary>Clients told to come back later than a day would not come back at all.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    public const string RetryAfterExpected = "a duration (e.g. 30s, 5m, 1h) or a whole number of seconds, from 1 s to 24 h";

    /// <summary>Why the message is refused, or null; an empty or blank message counts as none.</summary>
    public static string? CheckMessage(string? message)
    {
        if (message is null)
        {
            return null;
        }

        if (message.Length > MaxMessageLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The message is {message.Length:N0} characters long; it may be at most {MaxMessageLength} characters.");
        }

        // Line breaks and tabs are whitespace a page shows as a space; other control characters are not text.
        var bad = message.FirstOrDefault(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
        return bad != default
            ? string.Create(CultureInfo.InvariantCulture, $"The message holds a control character (U+{(int)bad:X4}); it must be printable text.")
            : null;
    }

    /// <summary>The message as kept: trimmed, null when blank.</summary>
    public static string? Normalize(string? message) => string.IsNullOrWhiteSpace(message) ? null : message.Trim();

    /// <summary>Reads a Retry-After written as a duration (<c>5m</c>) or as whole seconds (<c>300</c>).</summary>
    public static bool TryParseRetryAfter(string? text, out TimeSpan retryAfter)
    {
        retryAfter = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxRetryAfter.TotalSeconds)
            {
                return false;
            }

            retryAfter = TimeSpan.FromSeconds(seconds);
        }
        else if (!Duration.TryParse(trimmed, out retryAfter))
        {
            return false;
        }

        return CheckRetryAfter(retryAfter) is null;
    }

    /// <summary>Why the Retry-After is refused, or null.</summary>
    public static string? CheckRetryAfter(TimeSpan? retryAfter) =>
        retryAfter is { } after && (after < TimeSpan.FromSeconds(1) || after > MaxRetryAfter)
            ? $"retry_after must be {RetryAfterExpected}."
            : null;

    /// <summary>Whole seconds for the header, rounded up so that no client is told to come back too soon.</summary>
    public static int? Seconds(TimeSpan? retryAfter) => retryAfter is { } after ? (int)Math.Ceiling(after.TotalSeconds) : null;
}
