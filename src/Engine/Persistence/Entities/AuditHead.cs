namespace Cutover.Engine.Persistence.Entities;

/// <summary>The audit trail's newest entry and length, updated with every append, so that removing the newest entries shows.</summary>
/// <remarks>
/// A hash chain only proves that each entry follows the one before it; cutting entries off its end leaves a
/// shorter chain that is still valid. This single row, written in the same transaction as each entry, is what
/// the trail is checked against. Someone with write access to the file can rewrite it too: the chain makes
/// tampering evident to a casual edit, it is not a signature.
/// </remarks>
public sealed class AuditHead
{
    /// <summary>The one row's key.</summary>
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long LastId { get; set; }

    public required string LastHash { get; set; }

    public long Count { get; set; }
}
