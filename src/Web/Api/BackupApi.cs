using System.Globalization;
using Cutover.Engine.Backup;
using Cutover.Web.Access;

namespace Cutover.Web.Api;

/// <summary><c>POST /api/backup</c>: a consistent copy of the running database, made with SQLite's backup API and streamed.</summary>
public static class BackupApi
{
    public const string ContentType = "application/vnd.sqlite3";

    /// <summary>Response headers saying what the copy holds, so that the CLI can report it without reopening the file.</summary>
    public const string DeploymentsHeader = "Cutover-Backup-Deployments";

    public const string AuditEntriesHeader = "Cutover-Backup-Audit-Entries";

    public const string MigrationHeader = "Cutover-Backup-Migration";

    public static IEndpointRouteBuilder MapBackupApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/backup", BackupAsync).WithTags("Host")
            .RequireRateLimiting(MutationRateLimit.PolicyName).AddEndpointFilter<RefusalAudit>()
            .WithSummary("Copies the database while the host runs (SQLite's backup API), checks the copy (quick_check), audits database.backup and streams it as application/vnd.sqlite3.");
        return routes;
    }

    private static async Task<IResult> BackupAsync(HttpContext context, OnlineBackup backup, TimeProvider time, CancellationToken cancellationToken)
    {
        BackupCopy copy;
        try
        {
            copy = await backup.MakeAsync(ApiCaller.NameOf(context), ApiCaller.AddressOf(context), cancellationToken);
        }
        catch (BackupException ex)
        {
            // OnlineBackup audited the failure (or, when busy, there was nothing to audit).
            RefusalAudit.MarkAudited(context);
            return ex.Failure switch
            {
                BackupFailure.Busy => ApiProblems.Conflict("Backup under way", ex.Message),
                BackupFailure.NoRoom => TypedResults.Problem(statusCode: StatusCodes.Status507InsufficientStorage, title: "No room for the backup", detail: ex.Message),
                _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Backup failed", detail: ex.Message),
            };
        }

        // The temporary copy goes when the stream is closed, whether the download finished or the caller went away.
        var stream = new FileStream(copy.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var headers = context.Response.Headers;
        headers[DeploymentsHeader] = copy.Content.Deployments.ToString(CultureInfo.InvariantCulture);
        headers[AuditEntriesHeader] = copy.Content.AuditEntries.ToString(CultureInfo.InvariantCulture);
        headers[MigrationHeader] = copy.Content.Migration;
        var name = string.Create(CultureInfo.InvariantCulture, $"cutover-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.db");
        return TypedResults.Stream(stream, ContentType, name);
    }
}
