using Cutover.Engine.Analysis;
using Cutover.Engine.Audit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Engine.Events;

/// <summary>Something the console, the API's live streams and the CLI's watch want to know at once.</summary>
public abstract record EngineEvent(DateTimeOffset At);

/// <summary>A deployment moved to a new status (the snapshot is the whole deployment as stored).</summary>
public sealed record DeploymentChanged(DateTimeOffset At, DeploymentView Deployment) : EngineEvent(At);

/// <summary>An analysis interval of a deployment's new slot was judged (canary step or watch).</summary>
public sealed record DeploymentAnalyzed(DateTimeOffset At, string App, long DeploymentId, AnalysisView Analysis) : EngineEvent(At);

/// <summary>Progress of an image pull.</summary>
public sealed record PullProgressed(DateTimeOffset At, string App, long DeploymentId, string Image, string Status, long? Current, long? Total) : EngineEvent(At);

/// <summary>Progress of a drain of an app's old slot.</summary>
public sealed record DrainProgressed(DateTimeOffset At, string App, long DeploymentId, Slot Slot, DrainStatus Status) : EngineEvent(At);

/// <summary>A health check ran.</summary>
public sealed record HealthChecked(DateTimeOffset At, string App, Slot Slot, HealthResult Result, long? DeploymentId) : EngineEvent(At);

/// <summary>An app's active slot turned unhealthy (failed a check after passing, or on its first) or healthy again.</summary>
public sealed record AppHealthChanged(DateTimeOffset At, string App, Slot Slot, HealthResult Result, bool WasHealthy) : EngineEvent(At);

/// <summary>A new apps.yaml took effect, or was refused.</summary>
public sealed record ConfigApplied(DateTimeOffset At, string Path, IReadOnlyList<string> Apps, IReadOnlyList<string> Problems) : EngineEvent(At)
{
    public bool Accepted => Problems.Count == 0;
}

/// <summary>An entry was appended to the audit trail (published after it was committed).</summary>
public sealed record AuditAppended(DateTimeOffset At, AuditEntryView Entry) : EngineEvent(At);

/// <summary>Self-healing acted on an app's serving container: healed it, failed to, or gave up.</summary>
public sealed record AppHealed(DateTimeOffset At, string App, Slot Slot, HealOutcome Outcome, string Detail) : EngineEvent(At);

/// <summary>How one self-healing attempt ended.</summary>
public enum HealOutcome
{
    /// <summary>The serving container runs again (restarted, or replaced by a healthy one).</summary>
    Healed,

    /// <summary>This attempt did not bring it back; another follows within the budget.</summary>
    Failed,

    /// <summary>Too many attempts in the window: self-healing stopped for this app until it is deployed again.</summary>
    GaveUp,
}
