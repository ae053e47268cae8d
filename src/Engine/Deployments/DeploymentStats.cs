namespace Cutover.Engine.Deployments;

/// <summary>How an app's finished deployments went: counts by outcome, success rate, median and p95 duration.</summary>
/// <param name="SuccessRate">Completed over all finished, 0..1; null when none has finished.</param>
public sealed record DeploymentStats(
    string App,
    int Total,
    int Completed,
    int RolledBack,
    int Failed,
    int Cancelled,
    double? SuccessRate,
    double? MedianSeconds,
    double? P95Seconds)
{
    public static DeploymentStats Empty(string app) => new(app, 0, 0, 0, 0, 0, null, null, null);

    public static DeploymentStats Of(string app, IReadOnlyCollection<FinishedDeployment> finished)
    {
        if (finished.Count == 0)
        {
            return Empty(app);
        }

        int Count(DeploymentStatus status) => finished.Count(d => d.Status == status);
        var seconds = finished.Select(d => (d.FinishedAt - d.StartedAt).TotalSeconds).Order().ToArray();
        var completed = Count(DeploymentStatus.Completed);
        return new DeploymentStats(
            app,
            finished.Count,
            completed,
            Count(DeploymentStatus.RolledBack),
            Count(DeploymentStatus.Failed),
            Count(DeploymentStatus.Cancelled),
            Math.Round((double)completed / finished.Count, 4),
            Math.Round(Percentile(seconds, 0.5), 3),
            Math.Round(Percentile(seconds, 0.95), 3));
    }

    /// <summary>Nearest-rank percentile of sorted values: always one of the measured durations.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>The part of a finished deployment the stats need.</summary>
/// <param name="Id">The deployment's id, so that one deployment is counted once however it was learnt of.</param>
public sealed record FinishedDeployment(string App, DeploymentStatus Status, DateTime StartedAt, DateTime FinishedAt, long Id = 0);
