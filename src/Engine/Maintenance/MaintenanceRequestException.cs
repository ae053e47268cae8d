using Cutover.Engine.Deployments;

namespace Cutover.Engine.Maintenance;

/// <summary>A maintenance request that cannot be taken as asked: an unknown app, a message too long, a Retry-After out of bounds.</summary>
/// <remarks>Carries the same <see cref="Deployments.Refusal"/> a refused deployment does, so the API and console answer both alike.</remarks>
public sealed class MaintenanceRequestException(Refusal refusal) : Exception(refusal.Reason)
{
    public Refusal Refusal { get; } = refusal;
}
