using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cutover.Engine.Deployments;
using Cutover.Engine.Maintenance;
using Cutover.Web.Access;

namespace Cutover.Web.Api;

/// <summary>Put an application in maintenance (its listener answers 503 with Retry-After and a short page) and lift it.</summary>
public static class MaintenanceApi
{
    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder routes)
    {
        var maintenance = routes.MapGroup("/api/apps/{app}/maintenance").WithTags("Apps")
            .RequireRateLimiting(MutationRateLimit.PolicyName).AddEndpointFilter<RefusalAudit>();
        maintenance.MapPost(string.Empty, OnAsync).WithSummary(
            "Every new request to the app gets 503 with the optional \"message\" and Retry-After (\"retry_after\": a duration such as \"5m\", or whole seconds), whatever slot is routed, until it is lifted; again changes the notice.");
        maintenance.MapDelete(string.Empty, OffAsync).WithSummary("Lifts the app's maintenance: requests go to its routed slot again. Lifting one that is not on changes nothing and says so.");
        return routes;
    }

    private static async Task<IResult> OnAsync(string app, HttpContext context, AppMaintenance maintenance, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<MaintenanceBody>(context, required: false, cancellationToken);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        if (ReadRetryAfter(body.Value?.RetryAfter, out var retryAfter) is { } badRetry)
        {
            return ApiProblems.BadRequest(badRetry);
        }

        try
        {
            var outcome = await maintenance.TurnOnAsync(app, body.Value?.Message, retryAfter, ApiCaller.NameOf(context), ApiCaller.AddressOf(context), cancellationToken);
            return TypedResults.Ok(MaintenanceView.From(outcome));
        }
        catch (MaintenanceRequestException ex)
        {
            return ApiProblems.From(ex.Refusal);
        }
    }

    private static async Task<IResult> OffAsync(string app, HttpContext context, AppMaintenance maintenance, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(MaintenanceView.From(await maintenance.TurnOffAsync(app, ApiCaller.NameOf(context), ApiCaller.AddressOf(context), cancellationToken)));
        }
        catch (MaintenanceRequestException ex)
        {
            return ApiProblems.From(ex.Refusal);
        }
    }

    /// <summary>A string is a duration (<c>"5m"</c>) or whole seconds (<c>"300"</c>); a number is whole seconds; why it is neither, or null.</summary>
    internal static string? ReadRetryAfter(JsonElement? json, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        switch (json)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var seconds) && seconds is >= 1 && seconds <= MaintenanceRules.MaxRetryAfter.TotalSeconds:
                retryAfter = TimeSpan.FromSeconds(seconds);
                return null;
            case { ValueKind: JsonValueKind.String } text when MaintenanceRules.TryParseRetryAfter(text.GetString(), out var parsed):
                retryAfter = parsed;
                return null;
            default:
                return string.Create(CultureInfo.InvariantCulture, $"\"retry_after\" must be {MaintenanceRules.RetryAfterExpected}, not {json.Value.GetRawText()}.");
        }
    }
}

/// <summary>The body of <c>POST /api/apps/{app}/maintenance</c>; both fields optional.</summary>
/// <param name="RetryAfter">A duration (<c>"5m"</c>, <c>"90s"</c>) or whole seconds (<c>300</c> or <c>"300"</c>), 1 s to 24 h.</param>
public sealed record MaintenanceBody(string? Message, [property: JsonPropertyName("retry_after")] JsonElement? RetryAfter);

/// <summary>An app's maintenance after a request: on or off, the notice, and a sentence saying what changed.</summary>
/// <param name="Maintenance">The notice while on; null when off.</param>
/// <param name="Changed">False when nothing had to change (lifting maintenance that was not on).</param>
public sealed record MaintenanceView(string App, bool On, MaintenanceState? Maintenance, bool Changed, string Detail)
{
    public static MaintenanceView From(MaintenanceOutcome outcome) =>
        new(outcome.App, outcome.Maintenance is not null, outcome.Maintenance, outcome.Changed, outcome.Detail);
}
