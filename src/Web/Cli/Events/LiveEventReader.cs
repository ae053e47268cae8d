using System.Text.Json;
using Cutover.Web.Cli.Api;
using Cutover.Web.Cli.Api.Models;

namespace Cutover.Web.Cli.Events;

/// <summary>Turns an event's name and JSON payload (from server-sent events or the SignalR hub) into a <see cref="LiveEvent"/>.</summary>
public static class LiveEventReader
{
    /// <exception cref="JsonException">The payload does not have the shape its name promises.</exception>
    public static LiveEvent Read(string name, string json) => name switch
    {
        "deployment" => new DeploymentEvent(ApiJson.Read<Deployment>(json)) { Json = json },
        "pull" => ApiJson.Read<PullEvent>(json) with { Json = json },
        "health" => ApiJson.Read<HealthEvent>(json) with { Json = json },
        "release" => ApiJson.Read<ReleaseEvent>(json) with { Json = json },
        "drain" => ApiJson.Read<DrainEvent>(json) with { Json = json },
        "analysis" => ApiJson.Read<AnalysisEvent>(json) with { Json = json },
        "audit" => ApiJson.Read<AuditEvent>(json) with { Json = json },
        "config" => ApiJson.Read<ConfigEvent>(json) with { Json = json },
        _ => new OtherEvent(name, JsonDocument.Parse(json).RootElement.Clone()) { Json = json },
    };

    /// <summary>The app an event is about, for <c>watch APP</c>; null for host-wide events (config).</summary>
    public static string? AppOf(LiveEvent liveEvent) => liveEvent switch
    {
        DeploymentEvent e => e.Deployment.App,
        PullEvent e => e.App,
        HealthEvent e => e.App,
        ReleaseEvent e => e.App,
        DrainEvent e => e.App,
        AnalysisEvent e => e.App,
        AuditEvent e => e.App,
        OtherEvent e when e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("app", out var app) => app.GetString(),
        _ => null,
    };
}
