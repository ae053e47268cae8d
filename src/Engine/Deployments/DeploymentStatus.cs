namespace Cutover.Engine.Deployments;

/// <summary>Where a deployment is in the state machine; the last four are terminal.</summary>
public enum DeploymentStatus
{
    Queued,
    Pulling,

    /// <summary>The release command (e.g. migrations) runs in a one-off container of the new image.</summary>
    Releasing,
    Starting,
    HealthChecking,

    /// <summary>Waits for a person: manual promotion, or a canary step with <c>pause: manual</c>.</summary>
    Paused,

    /// <summary>Weighted traffic steps up to the new slot.</summary>
    Canary,
    Switching,
    Draining,

    /// <summary>After the full switch: the old slot still runs, so a failed analysis can switch back at once.</summary>
    Watching,
    Completed,
    RolledBack,
    Failed,

    /// <summary>Stopped on request before the switch: the new slot never got traffic, the old one keeps serving.</summary>
    Cancelled,
}

/// <summary>Names and classification of <see cref="DeploymentStatus"/>.</summary>
public static class DeploymentStatusExtensions
{
    public static bool IsTerminal(this DeploymentStatus status) =>
        status is DeploymentStatus.Completed or DeploymentStatus.RolledBack or DeploymentStatus.Failed or DeploymentStatus.Cancelled;

    /// <summary>True once the new slot may have received traffic: from here on, recovery finishes rather than rolls back.</summary>
    public static bool HasSwitched(this DeploymentStatus status) =>
        status is DeploymentStatus.Switching or DeploymentStatus.Draining or DeploymentStatus.Completed;

    /// <summary>The snake_case name used by the API and the console (health_checking, rolled_back, ...).</summary>
    public static string ToSnakeCase(this DeploymentStatus status) => status switch
    {
        DeploymentStatus.HealthChecking => "health_checking",
        DeploymentStatus.RolledBack => "rolled_back",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>Why a deployment exists.</summary>
public enum DeploymentKind
{
    /// <summary>A new image (or the first start of an app).</summary>
    Deploy,

    /// <summary>The same image in a fresh container.</summary>
    Redeploy,

    /// <summary>Back to the previous image, reusing its kept container when there is one.</summary>
    Rollback,
}
