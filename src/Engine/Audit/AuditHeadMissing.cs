namespace Cutover.Engine.Audit;

/// <summary>The entry that <see cref="Persistence.AuditLog"/> writes when it finds the trail's head record gone, and verification reports.</summary>
public static class AuditHeadMissing
{
    public const string Actor = "engine";

    public const string Action = "audit.head_missing";
}
