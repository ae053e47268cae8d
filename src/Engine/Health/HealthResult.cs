using System.Text.Json.Serialization;

namespace Cutover.Engine.Health;

/// <summary>The outcome of one HTTP health check.</summary>
public sealed record HealthResult(DateTimeOffset At, bool Healthy, int? StatusCode, [property: JsonIgnore] TimeSpan Latency, string? Error)
{
    /// <summary>The latency as the API and the console show it.</summary>
    public double LatencyMs => Math.Round(Latency.TotalMilliseconds, 2);

    public override string ToString() =>
        Healthy ? $"{StatusCode} in {Latency.TotalMilliseconds:0} ms" : Error ?? $"status {StatusCode}";
}
