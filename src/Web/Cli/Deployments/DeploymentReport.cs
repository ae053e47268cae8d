using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Deployments;

/// <summary>The last word on a deployment: the sentence for people, and the exit code for scripts.</summary>
public static class DeploymentReport
{
    /// <summary>0 completed; 1 rolled_back, failed or cancelled; 5 still running (a wait gave up).</summary>
    public static int ExitCode(Deployment deployment, bool timedOut) => deployment.Status switch
    {
        _ when timedOut && !deployment.IsFinished => ExitCodes.StillRunning,
        DeploymentStatus.Completed => ExitCodes.Success,
        DeploymentStatus.RolledBack or DeploymentStatus.Failed or DeploymentStatus.Cancelled => ExitCodes.NotSucceeded,
        _ => ExitCodes.StillRunning,
    };

    public static string Outcome(Deployment deployment, bool timedOut)
    {
        var took = deployment.Duration(DateTimeOffset.UtcNow) is { } duration ? $" after {Units.Duration(duration)}" : "";
        return deployment.Status switch
        {
            _ when timedOut && !deployment.IsFinished =>
                $"deployment {deployment.Id} is still {deployment.Status.ToSnakeCase()}{took}; it goes on without waiting (cutover history {deployment.App})",
            DeploymentStatus.Completed =>
                $"deployment {deployment.Id} completed{took}: {deployment.App} serves {deployment.Image}{(deployment.Slot is { } slot ? $" from {slot.Name()}" : "")}",
            _ =>
                $"deployment {deployment.Id} {deployment.Status.ToSnakeCase()}{took}: {deployment.App} still serves {deployment.PreviousImage ?? "what it served before"}"
                + (deployment.Error is { Length: > 0 } error ? $"{Environment.NewLine}  {error}" : ""),
        };
    }
}
