using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Notifications;

namespace Cutover.Tests.Unit.Engine.Notifications;

/// <summary>app.unhealthy waits for a run of failed checks (or a long enough one); app.recovered follows only an alarm.</summary>
public sealed class UnhealthyThresholdTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public void OneFailedCheck_BetweenPassingOnes_SendsNothing()
    {
        var threshold = new UnhealthyThreshold(3, TimeSpan.FromMinutes(1));

        var sent = Observe(threshold, true, false, true, false, false, true);

        Assert.All(sent, Assert.Null);
    }

    [Fact]
    public void ThirdFailureInARow_SendsUnhealthyOnce_AndThePassingCheckAfter_SendsRecovered()
    {
        var threshold = new UnhealthyThreshold(3, TimeSpan.FromMinutes(1));

        var sent = Observe(threshold, false, false, false, false, false, true, true);

        Assert.Equal([null, null, "app.unhealthy", null, null, "app.recovered", null], sent.Select(n => n?.Event));
        Assert.Equal(("shop", "shop: the active blue slot failed its health check: status 500, expected 200-399."), (sent[2]!.App, sent[2]!.Message));
    }

    [Fact]
    public void FailuresLastingTheDuration_SendUnhealthy_BeforeTheCountIsReached()
    {
        var threshold = new UnhealthyThreshold(10, TimeSpan.FromSeconds(12));

        // Checks 5 s apart: the third failure is 10 s after the first, the fourth 15 s.
        var sent = Observe(threshold, false, false, false, false, false);

        Assert.Equal([null, null, null, "app.unhealthy", null], sent.Select(n => n?.Event));
    }

    [Fact]
    public void ADeploymentsGateChecks_AndTheMonitorsOwnChangeEvents_CountForNothing()
    {
        var threshold = new UnhealthyThreshold(1, TimeSpan.FromMinutes(1));
        var failed = Result(Start, healthy: false);

        Assert.Null(threshold.Observe(new HealthChecked(Start, "shop", Slot.Green, failed, DeploymentId: 7)));
        Assert.Null(threshold.Observe(new AppHealthChanged(Start, "shop", Slot.Blue, failed, WasHealthy: true)));
        Assert.Equal("app.unhealthy", threshold.Observe(new HealthChecked(Start, "shop", Slot.Blue, failed, null))?.Event);
    }

    [Fact]
    public void EachApp_CountsItsOwnRun()
    {
        var threshold = new UnhealthyThreshold(2, TimeSpan.FromMinutes(1));
        var failed = Result(Start, healthy: false);

        Assert.Null(threshold.Observe(new HealthChecked(Start, "shop", Slot.Blue, failed, null)));
        Assert.Null(threshold.Observe(new HealthChecked(Start, "blog", Slot.Blue, failed, null)));
        Assert.Equal("shop", threshold.Observe(new HealthChecked(Start + Interval, "shop", Slot.Blue, failed, null))?.App);
    }

    private static List<Notification?> Observe(UnhealthyThreshold threshold, params bool[] healthy) =>
        healthy.Select((h, i) => Start + (i * Interval))
            .Zip(healthy, (at, h) => threshold.Observe(new HealthChecked(at, "shop", Slot.Blue, Result(at, h), null)))
            .ToList();

    private static HealthResult Result(DateTimeOffset at, bool healthy) =>
        new(at, healthy, healthy ? 200 : 500, TimeSpan.FromMilliseconds(3), healthy ? null : "status 500, expected 200-399");
}
