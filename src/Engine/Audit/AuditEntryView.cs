using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;

namespace Cutover.Engine.Audit;

/// <summary>One audit entry as the API, the console and exports show it.</summary>
/// <param name="At">When, in UTC.</param>
/// <param name="Hash">Hex SHA-256 of the entry and the previous entry's hash.</param>
public sealed record AuditEntryView(
    long Id,
    DateTimeOffset At,
    string Actor,
    string? Address,
    string Action,
    string? App,
    long? DeploymentId,
    string? Detail,
    string Outcome,
    string Hash)
{
    internal static AuditEntryView From(AuditEvent entry) => new(
        entry.Id,
        entry.At.AsUtc(),
        entry.Actor,
        entry.Address,
        entry.Action,
        entry.App,
        entry.DeploymentId,
        entry.Detail,
        entry.Outcome,
        entry.Hash ?? string.Empty);
}
