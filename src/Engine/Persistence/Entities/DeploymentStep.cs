using Cutover.Engine.Deployments;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>One transition of a deployment, written before the transition takes effect.</summary>
public sealed class DeploymentStep
{
    public long Id { get; set; }

    public long DeploymentId { get; set; }

    public DeploymentStatus Status { get; set; }

    public DateTime At { get; set; }

    public string? Message { get; set; }
}
