using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Notifications;
using Cutover.Engine.Traffic;
using static Cutover.Tests.Unit.Engine.Notifications.NotificationSamples;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class EngineEventNotificationsTests
{
    [Theory]
    [InlineData(DeploymentStatus.Queued, "deployment.started")]
    [InlineData(DeploymentStatus.Paused, "deployment.paused")]
    [InlineData(DeploymentStatus.Completed, "deployment.completed")]
    [InlineData(DeploymentStatus.RolledBack, "deployment.rolled_back")]
    [InlineData(DeploymentStatus.Failed, "deployment.failed")]
    public void DeploymentChanged_ToAStatusWorthTelling_IsItsEvent(DeploymentStatus status, string expected)
    {
        var notification = EngineEventNotifications.From(new DeploymentChanged(Now, Deployment(status, "not healthy within the 3s deadline.")));

        Assert.Equal(expected, notification?.Event);
        Assert.Equal("shop", notification!.App);
    }

    [Theory]
    [InlineData(DeploymentStatus.Pulling)]
    [InlineData(DeploymentStatus.HealthChecking)]
    [InlineData(DeploymentStatus.Draining)]
    [InlineData(DeploymentStatus.Cancelled)]
    public void DeploymentChanged_ToAnIntermediateStatus_IsNoNotification(DeploymentStatus status) =>
        Assert.Null(EngineEventNotifications.From(new DeploymentChanged(Now, Deployment(status))));

    [Fact]
    public void RolledBack_SaysWhyAndWhatKeepsServing()
    {
        var notification = EngineEventNotifications.From(new DeploymentChanged(Now, Deployment(DeploymentStatus.RolledBack, "not healthy within the 3s deadline.")))!;

        Assert.Equal("shop: deployment 42 of registry.local/shop:v2 was rolled back: not healthy within the 3s deadline. blue keeps serving registry.local/shop:v1.", notification.Message);
    }

    [Fact]
    public void ActiveSlotHealth_TurningBadThenGood_IsUnhealthyThenRecovered()
    {
        var bad = new HealthResult(Now, false, 500, TimeSpan.FromMilliseconds(3), "status 500, expected 200-399");
        var good = new HealthResult(Now, true, 200, TimeSpan.FromMilliseconds(3), null);

        var unhealthy = EngineEventNotifications.From(new AppHealthChanged(Now, "shop", Slot.Blue, bad, WasHealthy: true))!;
        var recovered = EngineEventNotifications.From(new AppHealthChanged(Now, "shop", Slot.Blue, good, WasHealthy: false))!;

        Assert.Equal(("app.unhealthy", "shop: the active blue slot failed its health check: status 500, expected 200-399."), (unhealthy.Event, unhealthy.Message));
        Assert.Equal("app.recovered", recovered.Event);
    }

    [Fact]
    public void Healing_OnlyAHealIsANotification()
    {
        Assert.Equal("app.healed", EngineEventNotifications.From(new AppHealed(Now, "shop", Slot.Blue, HealOutcome.Healed, "the serving blue container exited with code 137; started it again"))?.Event);
        Assert.Null(EngineEventNotifications.From(new AppHealed(Now, "shop", Slot.Blue, HealOutcome.Failed, "x")));
    }

    [Fact]
    public void ConfigApplied_Refused_IsConfigRefused_AndAccepted_IsNothing()
    {
        var refused = EngineEventNotifications.From(new ConfigApplied(Now, "/etc/cutover/apps.yaml", ["shop"], ["apps.yaml:3:5: apps.shop.listen: not an address", "two"]))!;

        Assert.Equal(("config.refused", null), (refused.Event, refused.App));
        Assert.Equal("/etc/cutover/apps.yaml was refused, the last good config stays live: apps.yaml:3:5: apps.shop.listen: not an address (and 1 more)", refused.Message);
        Assert.Null(EngineEventNotifications.From(new ConfigApplied(Now, "/etc/cutover/apps.yaml", ["shop"], [])));
    }

    [Fact]
    public void ProgressEvents_AreNoNotifications()
    {
        Assert.Null(EngineEventNotifications.From(new HealthChecked(Now, "shop", Slot.Blue, new HealthResult(Now, true, 200, TimeSpan.Zero, null), 42)));
        Assert.Null(EngineEventNotifications.From(new DrainProgressed(Now, "shop", 42, Slot.Blue, default!)));
    }
}
