using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Model;

namespace Cutover.Engine.Notifications;

/// <summary>Which engine events are notifications, and what they say.</summary>
/// <remarks>
/// Everything comes from the engine's event stream: a deployment's stored transitions, the active health
/// monitor's changes, self-healing's outcomes and apps.yaml's refusals. A cancelled deployment, a heal that failed
/// or gave up, and a progress event are not notifications (the names are normative; see DESIGN.md).
/// </remarks>
public static class EngineEventNotifications
{
    public static Notification? From(EngineEvent engineEvent) => engineEvent switch
    {
        DeploymentChanged { Deployment: var d } => Deployment(engineEvent.At, d),
        AppHealthChanged health => Health(health),
        AppHealed { Outcome: HealOutcome.Healed } healed => new Notification(
            NotificationEvents.AppHealed, healed.App, healed.At, $"{healed.App}: healed",
            $"{healed.App}: {Trimmed(healed.Detail)}.",
            [new("slot", healed.Slot.Name()), new("detail", healed.Detail)]),
        ConfigApplied { Accepted: false } refused => new Notification(
            NotificationEvents.ConfigRefused, null, refused.At, "apps.yaml refused",
            $"{refused.Path} was refused, the last good config stays live: {Summary(refused.Problems)}",
            [new("path", refused.Path), new("problems", refused.Problems)]),
        _ => null,
    };

    private static Notification? Deployment(DateTimeOffset at, DeploymentView d)
    {
        var what = $"{d.App}: deployment {d.Id} of {d.Image}";
        var (name, title, message) = d.Status switch
        {
            DeploymentStatus.Queued => (NotificationEvents.DeploymentStarted, "deployment started",
                $"{what} started ({Kind(d.Kind)} to {d.Slot.Name()}, requested by {d.RequestedBy}{Because(d.Reason)})."),
            DeploymentStatus.Paused => (NotificationEvents.DeploymentPaused, "deployment paused",
                $"{what} is paused, waiting for promote or abort: {Trimmed(d.Steps.LastOrDefault()?.Message)}."),
            DeploymentStatus.Completed => (NotificationEvents.DeploymentCompleted, "deployment completed",
                $"{what} completed in {d.DurationSeconds:0.#} s; {d.Slot.Name()} serves it."),
            DeploymentStatus.RolledBack => (NotificationEvents.DeploymentRolledBack, "deployment rolled back",
                $"{what} was rolled back: {Trimmed(d.Error)}.{Keeps(d)}"),
            DeploymentStatus.Failed => (NotificationEvents.DeploymentFailed, "deployment failed",
                $"{what} failed: {Trimmed(d.Error)}."),
            _ => (null, null, null),
        };
        if (name is null)
        {
            return null;
        }

        return new Notification(name, d.App, at, $"{d.App}: {title}", message!,
        [
            new("deployment", d.Id),
            new("image", d.Image),
            new("kind", Kind(d.Kind)),
            new("slot", d.Slot.Name()),
            new("previousImage", d.PreviousImage),
            new("status", d.Status.ToSnakeCase()),
            new("requestedBy", d.RequestedBy),
            new("reason", d.Reason),
            new("error", d.Error),
            new("durationSeconds", d.DurationSeconds),
        ]);
    }

    private static Notification Health(AppHealthChanged changed)
    {
        var slot = changed.Slot.Name();
        return changed.Result.Healthy
            ? new Notification(NotificationEvents.AppRecovered, changed.App, changed.At, $"{changed.App}: recovered",
                $"{changed.App}: the active {slot} slot is healthy again ({changed.Result}).",
                [new("slot", slot), new("statusCode", changed.Result.StatusCode)])
            : new Notification(NotificationEvents.AppUnhealthy, changed.App, changed.At, $"{changed.App}: unhealthy",
                $"{changed.App}: the active {slot} slot failed its health check: {Trimmed(changed.Result.ToString())}.",
                [new("slot", slot), new("statusCode", changed.Result.StatusCode), new("error", changed.Result.Error)]);
    }

    /// <summary>Without the full stop an error may already end with, since the sentence adds one.</summary>
    private static string Trimmed(string? text) => text?.TrimEnd('.', ' ') ?? "no reason given";

    private static string Kind(DeploymentKind kind) => kind.ToString().ToLowerInvariant();

    private static string Because(string? reason) => string.IsNullOrWhiteSpace(reason) ? string.Empty : $": {reason}";

    private static string Keeps(DeploymentView d) =>
        d.PreviousSlot is { } previous ? $" {previous.Name()} keeps serving {d.PreviousImage}." : string.Empty;

    private static string Summary(IReadOnlyList<string> problems) =>
        problems.Count switch
        {
            0 => "no problem given",
            1 => problems[0],
            _ => $"{problems[0]} (and {problems.Count - 1} more)",
        };
}
