using System.Text.Json.Serialization;

namespace Cutover.Web.Cli.Api.Models;

/// <summary><c>POST|DELETE /api/apps/{app}/maintenance</c>: the app's maintenance after the request, and what changed.</summary>
public sealed record MaintenanceResult(string App, bool On, MaintenanceNotice? Maintenance, bool Changed, string Detail);

/// <summary>What an app in maintenance answers, since when and at whose request.</summary>
public sealed record MaintenanceNotice(string? Message, int? RetryAfterSeconds, DateTimeOffset Since, string By);

/// <summary>The body of <c>POST /api/apps/{app}/maintenance</c>.</summary>
public sealed record MaintenanceRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message,
    [property: JsonPropertyName("retry_after"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RetryAfter);
