using System.Text.Json;

namespace Cutover.Web.Cli.Api.Models;

/// <summary><c>GET /api/status</c>: the host itself.</summary>
/// <param name="Apps">The applications; a count or a list of names, both are read.</param>
/// <param name="LastConfigRejection">The last refused edit of apps.yaml, if it still stands.</param>
/// <param name="Docker">The Docker daemon's settings as the host read them (absent from hosts before live-restore was reported).</param>
public sealed record HostStatus(
    string? Version,
    DateTimeOffset? StartedAt,
    string? AppsFile,
    JsonElement? Apps,
    IReadOnlyList<Deployment>? Running,
    JsonElement? LastConfigRejection,
    HostDocker? Docker = null);

/// <summary>The Docker daemon's settings in <see cref="HostStatus"/>.</summary>
/// <param name="LiveRestore">Docker's live-restore; null until the host has read it.</param>
/// <param name="Warning">What to do about it, while live-restore is off.</param>
public sealed record HostDocker(bool? LiveRestore, string? Warning);
