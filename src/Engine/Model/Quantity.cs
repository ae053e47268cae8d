using System.Globalization;

namespace Cutover.Engine.Model;

/// <summary>A count with its noun, as people write it: "1 request", "2 requests", "1,200 requests" (never "request(s)").</summary>
public static class Quantity
{
    /// <param name="one">The noun for exactly one, e.g. "request".</param>
    /// <param name="many">The noun for any other count; by default <paramref name="one"/> with an "s".</param>
    public static string Of(long count, string one, string? many = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? one : many ?? one + "s")}");
}
