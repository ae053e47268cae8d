using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Events;

namespace Cutover.Web.Cli.Output;

/// <summary>One line of text per live event, the same for <c>deploy --wait</c> and <c>watch</c>.</summary>
public static class EventLine
{
    /// <param name="withApp">Prefix the app (watch shows many apps; a deployment's own stream has one).</param>
    public static string For(LiveEvent liveEvent, bool withApp = false)
    {
        var text = liveEvent switch
        {
            DeploymentEvent e => Deployment(e.Deployment),
            PullEvent e => Pull(e),
            ReleaseEvent e => $"release | {e.Line}",
            HealthEvent e => $"health {e.Slot.Name()}: {Health(e.Result)}",
            DrainEvent e => Drain(e),
            AnalysisEvent e => $"analysis ({e.Analysis.Phase} at {e.Analysis.Weight}%): {e.Analysis.Outcome.ToString().ToLowerInvariant()}, {e.Analysis.Summary}",
            AuditEvent e => $"audit #{e.Id} {e.Actor} {e.Action}{(e.DeploymentId is { } d ? $" deployment {d}" : "")}: {e.Outcome}{(e.Detail is { Length: > 0 } detail ? $" ({detail})" : "")}",
            ConfigEvent e => e.Accepted
                ? $"config {e.Path} applied: {string.Join(", ", e.Apps ?? [])}"
                : $"config {e.Path} refused: {string.Join("; ", e.Problems ?? [])}",
            OtherEvent e => $"{e.Name}: {e.Json}",
            _ => liveEvent.GetType().Name,
        };

        return withApp && LiveEventReader.AppOf(liveEvent) is { } app && liveEvent is not DeploymentEvent ? $"{app}: {text}" : text;
    }

    /// <summary>"deployment 12 shop cutover-demo:v2 → green: health_checking (message)".</summary>
    public static string Deployment(Deployment deployment)
    {
        var step = deployment.Steps is { Count: > 0 } steps ? steps[^1] : null;
        var message = step is not null && step.Status == deployment.Status ? step.Message : null;
        if (deployment.IsFinished && deployment.Error is { Length: > 0 } error)
        {
            message = error;
        }

        return $"deployment {deployment.Id} {deployment.App} {deployment.Kind.ToString().ToLowerInvariant()} {deployment.Image}"
            + (deployment.Slot is { } slot ? $" -> {slot.Name()}" : "")
            + $": {deployment.Status.ToSnakeCase()}"
            + (message is { Length: > 0 } ? $" ({message})" : "");
    }

    public static string Health(HealthCheckResult result) =>
        (result.Healthy ? "ok" : "FAIL")
        + (result.StatusCode is { } code ? $" {code}" : "")
        + (Units.Milliseconds(result.LatencyMs) is { } latency ? $" in {latency}" : "")
        + (result.Error is { Length: > 0 } error ? $": {error}" : "");

    private static string Pull(PullEvent e)
    {
        var bytes = e.Current is { } current && e.Total is { } total and > 0
            ? $" {Units.Bytes(current)} / {Units.Bytes(total)}"
            : e.Current is { } only ? $" {Units.Bytes(only)}" : "";
        return $"pull {e.Image}: {e.Status}{bytes}";
    }

    private static string Drain(DrainEvent e) =>
        $"drain {e.Slot.Name()}: {Quantity.Of(e.Status.RequestCount, "request")}, {Quantity.Of(e.Status.SocketCount, "socket")} left"
        + (Units.Seconds(e.Status.RequestDeadlineSeconds) is { } r ? $", requests cut in {r}" : "")
        + (Units.Seconds(e.Status.SocketDeadlineSeconds) is { } s ? $", sockets cut in {s}" : "");
}
