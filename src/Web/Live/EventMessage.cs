using Cutover.Engine.Events;

namespace Cutover.Web.Live;

/// <summary>An engine event as programs outside the host receive it: a name and a JSON payload.</summary>
/// <remarks>One mapping for the SignalR hub and the server-sent events, so both speak the same language.</remarks>
public sealed record EventMessage(string Name, string? App, long? DeploymentId, object Payload)
{
    public static EventMessage? From(EngineEvent engineEvent) => engineEvent switch
    {
        DeploymentChanged e => new("deployment", e.Deployment.App, e.Deployment.Id, e.Deployment),
        PullProgressed e => new("pull", e.App, e.DeploymentId, new { e.At, e.App, e.DeploymentId, e.Image, e.Status, e.Current, e.Total }),
        ReleaseOutputWritten e => new("release", e.App, e.DeploymentId, new { e.At, e.App, e.DeploymentId, e.Index, e.Line }),
        DeploymentAnalyzed e => new("analysis", e.App, e.DeploymentId, new { e.At, e.App, e.DeploymentId, e.Analysis }),
        DrainProgressed e => new("drain", e.App, e.DeploymentId, new { e.At, e.App, e.DeploymentId, e.Slot, e.Status }),
        HealthChecked e => new("health", e.App, e.DeploymentId, new { e.At, e.App, e.DeploymentId, e.Slot, e.Result }),
        AuditAppended e => new("audit", e.Entry.App, e.Entry.DeploymentId, e.Entry),
        ConfigApplied e => new("config", null, null, new { e.At, e.Path, e.Apps, e.Problems, e.Accepted }),
        AppHealed e => new("heal", e.App, null, new { e.At, e.App, e.Slot, Outcome = e.Outcome.ToString().ToLowerInvariant(), e.Detail }),
        Engine.Maintenance.MaintenanceChanged e => new("maintenance", e.App, null, new { e.At, e.App, e.Maintenance }),
        _ => null,
    };
}
