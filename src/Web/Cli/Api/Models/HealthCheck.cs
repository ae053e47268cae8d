using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Api.Models;

/// <summary>One recorded health check of <c>GET /api/apps/{app}/health</c>.</summary>
public sealed record HealthCheck(DateTimeOffset At, Slot Slot, bool Healthy, int? StatusCode, double? LatencyMs, string? Error, long? DeploymentId);

/// <summary>The outcome of one health check, as live events and slots carry it.</summary>
public sealed record HealthCheckResult(DateTimeOffset At, bool Healthy, int? StatusCode, double? LatencyMs, string? Error);
