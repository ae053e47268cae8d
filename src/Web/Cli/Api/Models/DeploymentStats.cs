namespace Cutover.Web.Cli.Api.Models;

/// <summary>Outcomes and durations of an application's finished deployments.</summary>
public sealed record DeploymentStats(
    string? App,
    int Total,
    int Completed,
    int RolledBack,
    int Failed,
    int Cancelled,
    double? SuccessRate,
    double? MedianSeconds,
    double? P95Seconds);
