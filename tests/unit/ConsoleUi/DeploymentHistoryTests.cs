using Cutover.Engine.Deployments;
using Cutover.Web.ConsoleState;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>How the deployments page applies a change to the rows it shows.</summary>
public sealed class DeploymentHistoryTests
{
    [Fact]
    public void Apply_ANewDeployment_GoesOnTop_AndCounts()
    {
        var (rows, total) = DeploymentHistory.Apply([Samples.Deployment(1, DeploymentStatus.Completed, "shop:1")], 1, null, Samples.Deployment(2, DeploymentStatus.Queued, "shop:2"));

        Assert.Equal([2L, 1L], rows.Select(r => r.Id));
        Assert.Equal(2, total);
    }

    [Fact]
    public void Apply_TheSameChangeTwice_ChangesNothingTheSecondTime()
    {
        var change = Samples.Deployment(2, DeploymentStatus.Queued, "shop:2");
        var once = DeploymentHistory.Apply([], 0, null, change);

        var twice = DeploymentHistory.Apply(once.Rows, once.Total, null, change);

        Assert.Equal((1, 1), (twice.Rows.Count, twice.Total));
    }

    [Fact]
    public void Apply_AnOlderStepThanShown_IsNotAStepBack()
    {
        var shown = Samples.Deployment(2, DeploymentStatus.Completed, "shop:2");

        var (rows, _) = DeploymentHistory.Apply([shown], 1, null, Samples.Deployment(2, DeploymentStatus.Starting, "shop:2"));

        Assert.Equal(DeploymentStatus.Completed, rows.Single().Status);
    }

    [Fact]
    public void Apply_WithAStatusFilter_RemovesADeploymentThatLeavesIt_AndAddsOneThatEntersIt()
    {
        var running = Samples.Deployment(2, DeploymentStatus.Draining, "shop:2");

        var left = DeploymentHistory.Apply([running], 1, DeploymentStatus.Draining, Samples.Deployment(2, DeploymentStatus.Completed, "shop:2"));
        var entered = DeploymentHistory.Apply([], 0, DeploymentStatus.Completed, Samples.Deployment(2, DeploymentStatus.Completed, "shop:2"));

        Assert.Equal((0, 0), (left.Rows.Count, left.Total));
        Assert.Equal((1, 1), (entered.Rows.Count, entered.Total));
    }
}
