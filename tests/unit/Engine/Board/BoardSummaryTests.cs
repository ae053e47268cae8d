using Cutover.Engine.Board;
using Cutover.Engine.Deployments;
using Cutover.Tests.Unit.ConsoleUi;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Engine.Board;

public sealed class BoardSummaryTests
{
    // Samples.Now is 12:00 UTC; the console's day runs in the host's time zone, UTC here.
    private readonly FakeTimeProvider _time = new(Samples.Now);

    private static FinishedDeployment Finished(long id, DeploymentStatus status, DateTimeOffset finishedAt, double seconds) =>
        new("shop", status, (finishedAt - TimeSpan.FromSeconds(seconds)).UtcDateTime, finishedAt.UtcDateTime, id);

    public BoardSummaryTests() => _time.SetLocalTimeZone(TimeZoneInfo.Utc);

    [Fact]
    public void Of_CountsHealthyApps_TodaysDeployments_AndTheWeeksOutcomesAndMedian()
    {
        var shop = Samples.Healthy() with
        {
            Finished =
            [
                Finished(1, DeploymentStatus.Completed, Samples.Now.AddDays(-8), 100),
                Finished(2, DeploymentStatus.RolledBack, Samples.Now.AddDays(-2), 30),
                Finished(3, DeploymentStatus.Completed, Samples.Now.AddHours(-13), 10),
                Finished(4, DeploymentStatus.Completed, Samples.Now.AddHours(-1), 20),
            ],
        };
        var blog = Samples.Draining() with { Status = Samples.Status("blog", "unhealthy", null, null) };

        var summary = BoardSummary.Of([shop, blog], _time);

        Assert.Equal((1, 2), (summary.Healthy, summary.Total));
        // The one that finished an hour ago and the one under way; 13 hours ago was yesterday.
        Assert.Equal(2, summary.DeploymentsToday);
        Assert.Equal((3, 2, 20.0), (summary.Week.Total, summary.Week.Completed, summary.Week.MedianSeconds));
        Assert.Equal(0.6667, summary.Week.SuccessRate);
    }

    [Fact]
    public void Of_WithoutDeployments_HasNoRateAndNoMedian()
    {
        var summary = BoardSummary.Of([Samples.NeverDeployed()], _time);

        Assert.Equal((0, 1, 0), (summary.Healthy, summary.Total, summary.DeploymentsToday));
        Assert.Null(summary.Week.SuccessRate);
        Assert.Null(summary.Week.MedianSeconds);
    }
}
