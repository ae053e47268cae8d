namespace Cutover.Engine.Persistence.Entities;

/// <summary>One entry of the append-only audit trail: who did what, to which app, with what outcome.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>Who: <c>api:local</c>, <c>ui:alice</c>, <c>engine</c>, ...</summary>
    public required string Actor { get; set; }

    /// <summary>The requester's address, when the action came over the network.</summary>
    public string? Address { get; set; }

    /// <summary>What, e.g. <c>deployment.deploy</c>, <c>deployment.completed</c>, <c>api.refused</c>, <c>config.rejected</c>.</summary>
    public required string Action { get; set; }

    public string? App { get; set; }

    public long? DeploymentId { get; set; }

    public string? Detail { get; set; }

    /// <summary><c>ok</c>, <c>refused</c>, <c>failed</c>.</summary>
    public required string Outcome { get; set; }
}
