using System.Globalization;

namespace Cutover.Web.Components.Shared;

/// <summary>Traffic figures as the console writes them: rates with their noun, no rate where nothing was asked.</summary>
public static class TrafficText
{
    /// <summary>"0 requests/s", "1 request/s", "2.35 requests/s".</summary>
    public static string Rate(double perSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"{perSecond:0.##} {(Math.Round(perSecond, 2) == 1 ? "request" : "requests")}/s");

    /// <summary>A percentage, or "–" when there was nothing to count (a rate of nothing is neither 0% nor NaN).</summary>
    public static string Percent(double? rate) =>
        rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r * 100:0.#}%") : "–";

    /// <summary>Milliseconds, or "–" when no request was timed.</summary>
    public static string Milliseconds(double? ms) =>
        ms is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:0.#} ms") : "–";
}
