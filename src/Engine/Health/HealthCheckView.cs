using Cutover.Engine.Model;

namespace Cutover.Engine.Health;

/// <summary>One stored health check, as the API, the board and the console read it.</summary>
/// <param name="DeploymentId">Set while the check belonged to a deployment's health gate.</param>
public sealed record HealthCheckView(DateTimeOffset At, Slot Slot, bool Healthy, int? StatusCode, double LatencyMs, string? Error, long? DeploymentId)
{
    /// <summary>The check as the live card and the charts see it.</summary>
    public HealthResult ToResult() => new(At, Healthy, StatusCode, TimeSpan.FromMilliseconds(LatencyMs), Error);
}
