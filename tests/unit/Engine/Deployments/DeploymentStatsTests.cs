using Cutover.Engine.Deployments;

namespace Cutover.Tests.Unit.Engine.Deployments;

public sealed class DeploymentStatsTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Of_TwentyDurations_TakesNearestRankMedianAndP95()
    {
        var finished = Enumerable.Range(1, 20)
            .Select(i => new FinishedDeployment("shop", i == 20 ? DeploymentStatus.Failed : DeploymentStatus.Completed, Start, Start.AddSeconds(i)))
            .ToArray();

        var stats = DeploymentStats.Of("shop", finished);

        Assert.Equal((20, 19, 1), (stats.Total, stats.Completed, stats.Failed));
        Assert.Equal(0.95, stats.SuccessRate);
        Assert.Equal(10, stats.MedianSeconds);
        Assert.Equal(19, stats.P95Seconds);
    }

    [Fact]
    public void Of_OneDeployment_IsItsOwnMedianAndP95()
    {
        var stats = DeploymentStats.Of("shop", [new FinishedDeployment("shop", DeploymentStatus.Cancelled, Start, Start.AddSeconds(3.5))]);

        Assert.Equal((1, 0, 1, 0.0), (stats.Total, stats.Completed, stats.Cancelled, stats.SuccessRate!.Value));
        Assert.Equal((3.5, 3.5), (stats.MedianSeconds!.Value, stats.P95Seconds!.Value));
    }

    [Fact]
    public void Empty_HasNoRateAndNoDurations()
    {
        var stats = DeploymentStats.Empty("shop");

        Assert.Equal(0, stats.Total);
        Assert.Null(stats.SuccessRate);
        Assert.Null(stats.MedianSeconds);
    }
}
