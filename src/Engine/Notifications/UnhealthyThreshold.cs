using Cutover.Engine.Events;
using Cutover.Engine.Model;

namespace Cutover.Engine.Notifications;

/// <summary>
/// Decides when the serving slot's failing checks become an <c>app.unhealthy</c> notification, and when its
/// passing check after one becomes <c>app.recovered</c>.
/// </summary>
/// <remarks>
/// One failed check is often a blip (a GC pause, a slow dependency), and telling a phone about each is noise.
/// The alarm goes off after <paramref name="checks"/> failures in a row, or once the first of an unbroken run
/// failed <paramref name="duration"/> before the latest, whichever comes first; a recovery is sent only after an
/// alarm. Only the active health monitor's checks count (a deployment's gate judges its own new container).
/// Not thread-safe: the notifier's single event loop owns it.
/// </remarks>
public sealed class UnhealthyThreshold(int checks, TimeSpan duration)
{
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);

    /// <summary>The health notification this event makes, or null (not a health event, or not yet worth one).</summary>
    public Notification? Observe(EngineEvent engineEvent)
    {
        if (engineEvent is not HealthChecked { DeploymentId: null } check)
        {
            return null;
        }

        _runs.TryGetValue(check.App, out var run);
        if (check.Result.Healthy)
        {
            _runs.Remove(check.App);
            return run is { Sent: true } ? Health(check, wasHealthy: false) : null;
        }

        run = run is null || run.Slot != check.Slot
            ? new Run(check.Slot, check.At, 1, Sent: false)
            : run with { Failures = run.Failures + 1 };
        var due = !run.Sent && (run.Failures >= checks || check.At - run.Since >= duration);
        _runs[check.App] = due ? run with { Sent = true } : run;
        return due ? Health(check, wasHealthy: true) : null;
    }

    private static Notification? Health(HealthChecked check, bool wasHealthy) =>
        EngineEventNotifications.From(new AppHealthChanged(check.At, check.App, check.Slot, check.Result, wasHealthy));

    /// <param name="Since">When the first failure of the unbroken run was checked.</param>
    private sealed record Run(Slot Slot, DateTimeOffset Since, int Failures, bool Sent);
}
