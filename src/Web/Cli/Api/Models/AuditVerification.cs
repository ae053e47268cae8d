namespace Cutover.Web.Cli.Api.Models;

/// <summary><c>GET /api/audit/verify</c>: whether the hash chain holds, and where it breaks.</summary>
public sealed record AuditVerification(bool Valid, long Entries, long? FirstBrokenId, string? Problem);
