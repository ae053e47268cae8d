namespace Cutover.Engine.Backup;

/// <summary>What a checked copy of the database holds.</summary>
/// <param name="Migration">The newest schema migration applied to it.</param>
/// <param name="AuditVerified">Whether its audit trail's hash chain was walked and holds (false when not asked for).</param>
public sealed record DatabaseInspection(long Bytes, long Deployments, long AuditEntries, string Migration, bool AuditVerified);
