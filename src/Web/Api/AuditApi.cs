using System.Globalization;
using Cutover.Engine.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>Export and verify the hash-chained audit trail.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/audit").WithTags("Audit");
        audit.MapGet("/", Export).WithSummary("Streams the matching entries, oldest first, as JSON or CSV (format=json|csv).");
        audit.MapGet("/verify", async (AuditChainVerifier verifier, CancellationToken cancellationToken) => TypedResults.Ok(await verifier.VerifyAsync(cancellationToken)))
            .WithSummary("Checks the hash chain: an edited or removed entry is reported with its id.");
        return routes;
    }

    private static IResult Export(
        AuditReader reader,
        TimeProvider time,
        string? from = null,
        string? to = null,
        string? app = null,
        string? actor = null,
        string? action = null,
        string format = "json")
    {
        if (ParseTime("from", from, out var since) is { } badFrom)
        {
            return badFrom;
        }

        if (ParseTime("to", to, out var until) is { } badTo)
        {
            return badTo;
        }

        if (format is not ("json" or "csv"))
        {
            return ApiProblems.BadRequest($"format must be json or csv, not '{format}'.");
        }

        var filter = new AuditFilter(since, until, app, actor, action);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

        // Streamed straight from SQLite to the response: an export of a long trail never sits in memory.
        return format == "csv"
            ? new StreamedFile("text/csv; charset=utf-8", $"cutover-audit-{stamp}.csv", (body, ct) => AuditCsvWriter.WriteAsync(reader.ReadAsync(filter, ct), body, ct))
            : new StreamedFile("application/json; charset=utf-8", $"cutover-audit-{stamp}.json", (body, ct) => AuditJsonWriter.WriteAsync(reader.ReadAsync(filter, ct), body, ct));
    }

    private static ProblemHttpResult? ParseTime(string name, string? value, out DateTimeOffset? parsed)
    {
        parsed = null;
        if (value is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return ApiProblems.BadRequest($"{name} must be an ISO 8601 time such as 2026-11-25 or 2026-11-25T10:30:00Z, not '{value}'.");
        }

        parsed = time;
        return null;
    }

    /// <summary>A download written by a callback, with the name a browser saves it under.</summary>
    private sealed class StreamedFile(string contentType, string fileName, Func<Stream, CancellationToken, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = contentType;
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await write(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
