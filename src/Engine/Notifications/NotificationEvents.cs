namespace Cutover.Engine.Notifications;

/// <summary>The names of the events webhooks can be sent (host settings' <c>Events</c> and every payload's <c>event</c>).</summary>
public static class NotificationEvents
{
    /// <summary>A deployment was accepted (queued); its steps follow.</summary>
    public const string DeploymentStarted = "deployment.started";

    /// <summary>A deployment waits for a person: manual promotion, or a canary step with <c>pause: manual</c> (sent at each such wait).</summary>
    public const string DeploymentPaused = "deployment.paused";

    public const string DeploymentCompleted = "deployment.completed";
    public const string DeploymentRolledBack = "deployment.rolled_back";
    public const string DeploymentFailed = "deployment.failed";

    /// <summary>The active slot failed its health check after passing (or on its first check).</summary>
    public const string AppUnhealthy = "app.unhealthy";

    /// <summary>The active slot passes its health check again after failing.</summary>
    public const string AppRecovered = "app.recovered";

    /// <summary>Self-healing brought the serving container back.</summary>
    public const string AppHealed = "app.healed";

    /// <summary>An edited apps.yaml was refused; the last good config stays live.</summary>
    public const string ConfigRefused = "config.refused";

    public static IReadOnlyList<string> All { get; } =
    [
        DeploymentStarted, DeploymentPaused, DeploymentCompleted, DeploymentRolledBack, DeploymentFailed,
        AppUnhealthy, AppRecovered, AppHealed, ConfigRefused,
    ];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
