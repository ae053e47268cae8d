using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;
using Cutover.Engine.Board;
using Cutover.Web.ConsoleState;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>States of an application as the console receives them, for rendering tests.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static LiveApp Healthy(string name = "shop") => new(
        Status(name, "healthy", Slot.Blue, "shop:1.0"),
        [Check(true, 3), Check(true, 5), Check(true, 4)],
        null,
        Deployment(1, DeploymentStatus.Completed, "shop:1.0"),
        null);

    public static LiveApp Failing() => Healthy() with
    {
        Status = Status("shop", "unhealthy", Slot.Blue, "shop:1.0"),
        Latencies = [Check(true, 3), Check(false, 1000), Check(false, 1000)],
    };

    public static LiveApp Draining() => Healthy() with
    {
        Status = Status("shop", "healthy", Slot.Green, "shop:2.0") with { InFlight = new InFlight(3, 1) },
        Running = Deployment(2, DeploymentStatus.Draining, "shop:2.0"),
        Drain = new DrainStatus(3, 1, TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3)),
    };

    /// <summary>Fifteen minutes of traffic: blue served 30 requests a window (3 of them errors in the last one), green took 10 a window for the last two.</summary>
    public static TrafficSeries Traffic()
    {
        var windows = Enumerable.Range(0, 89).Select(i => Now.AddMinutes(-15) + (i * TrafficSeries.Window)).ToArray();
        return new TrafficSeries(
            windows.Select((start, i) => new TrafficSample(start, TrafficSeries.Window, 30, i == 88 ? 3 : 0, 12)).ToArray(),
            windows.Select((start, i) => new TrafficSample(start, TrafficSeries.Window, i >= 87 ? 10 : 0, 0, i >= 87 ? 40 : null)).ToArray());
    }

    public static LiveApp NeverDeployed() => new(Status("shop", "unknown", null, null), [], null, null, null);

    public static AppStatus Status(string name, string health, Slot? active, string? image) => new(
        name,
        active,
        image,
        "shop:1.0",
        health,
        default,
        "127.0.0.1:8080",
        null,
        null,
        [
            new SlotStatus(Slot.Blue, 18080, active == Slot.Blue, "0123456789abcdef", image, active == Slot.Blue, health, null, default),
            new SlotStatus(Slot.Green, 18081, active == Slot.Green, null, null, false, "unknown", null, default),
        ]);

    public static HealthResult Check(bool healthy, double ms) =>
        new(Now, healthy, healthy ? 200 : 500, TimeSpan.FromMilliseconds(ms), healthy ? null : "status 500, expected 200-399");

    public static DeploymentView Deployment(long id, DeploymentStatus status, string image)
    {
        var steps = new List<DeploymentStepView>();
        var at = Now;
        // A deployment that never switched stops after its health checks; one that did goes through the drain.
        var lastBeforeEnd = status is DeploymentStatus.RolledBack or DeploymentStatus.Cancelled or DeploymentStatus.Failed ? DeploymentStatus.HealthChecking : DeploymentStatus.Draining;
        // A plain blue-green deployment: no release command, no pause, no canary, no watch.
        DeploymentStatus[] optional = [DeploymentStatus.Releasing, DeploymentStatus.Paused, DeploymentStatus.Canary, DeploymentStatus.Watching];
        foreach (var step in Enum.GetValues<DeploymentStatus>().Where(s => !optional.Contains(s) && s <= status && (s <= lastBeforeEnd || s == status)))
        {
            steps.Add(new DeploymentStepView(step, at, $"{step} message"));
            at = at.AddSeconds(1.5);
        }

        return new DeploymentView(id, "shop", image, DeploymentKind.Deploy, Slot.Green, Slot.Blue, "shop:0.9", status, "api:local", "release", null,
            Now, status.IsTerminal() ? at : null, status == DeploymentStatus.RolledBack ? "not healthy within 60s" : null, steps);
    }
}
