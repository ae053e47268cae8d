namespace Cutover.Web.Cli.Api.Models;

/// <summary>Which audit entries to export, and as what.</summary>
public sealed record AuditQuery(string Format, DateTimeOffset? From, DateTimeOffset? To, string? App);
