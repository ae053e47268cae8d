namespace Cutover.Engine.Audit;

/// <summary>The outcome of checking the audit trail's hash chain.</summary>
/// <param name="Entries">How many entries were checked (all of them when valid).</param>
/// <param name="FirstBrokenId">The first entry at fault, when one can be named.</param>
/// <param name="Problem">What is wrong, as a sentence an operator can act on; null when valid.</param>
public sealed record AuditVerification(bool Valid, long Entries, long? FirstBrokenId, string? Problem)
{
    internal static AuditVerification Ok(long entries) => new(true, entries, null, null);

    internal static AuditVerification Broken(long entries, long? firstBrokenId, string problem) => new(false, entries, firstBrokenId, problem);
}
