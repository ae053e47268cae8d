namespace Cutover.Proxy.Telemetry;

/// <summary>One point of a slot's traffic series: what ended within <paramref name="Duration"/> from <paramref name="Start"/>.</summary>
/// <param name="Duration">The window's width, or less for the window under way.</param>
/// <param name="P95Ms">The 95th percentile latency of the requests timed in the window, or null when none was.</param>
public sealed record TrafficPoint(DateTimeOffset Start, TimeSpan Duration, long Requests, long Errors, double? P95Ms)
{
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? Requests / Duration.TotalSeconds : 0;

    public double ErrorsPerSecond => Duration > TimeSpan.Zero ? Errors / Duration.TotalSeconds : 0;
}
