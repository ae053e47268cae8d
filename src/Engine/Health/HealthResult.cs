namespace Cutover.Engine.Health;

/// <summary>The outcome of one HTTP health check.</summary>
public sealed record HealthResult(DateTimeOffset At, bool Healthy, int? StatusCode, TimeSpan Latency, string? Error)
{
    public override string ToString() =>
        Healthy ? $"{StatusCode} in {Latency.TotalMilliseconds:0} ms" : Error ?? $"status {StatusCode}";
}
