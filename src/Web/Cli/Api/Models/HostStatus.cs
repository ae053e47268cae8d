using System.Text.Json;

namespace Cutover.Web.Cli.Api.Models;

/// <summary><c>GET /api/status</c>: the host itself.</summary>
/// <param name="Apps">The applications; a count or a list of names, both are read.</param>
/// <param name="LastConfigRejection">The last refused edit of apps.yaml, if it still stands.</param>
public sealed record HostStatus(
    string? Version,
    DateTimeOffset? StartedAt,
    string? AppsFile,
    JsonElement? Apps,
    IReadOnlyList<Deployment>? Running,
    JsonElement? LastConfigRejection);
