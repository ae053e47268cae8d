using Cutover.Engine;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Api;

/// <summary>
/// Turns a write SQLite refused (disk full, read-only file, I/O error) into a 503 problem that says which file and why,
/// instead of a bare "An error occurred while processing your request." 500.
/// </summary>
/// <remarks>
/// Every change is written to SQLite before it takes effect, so a refused write changed nothing: the caller may retry
/// once the operator has freed space (docs/operations.md, "Disk full"); apps keep being served meanwhile.
/// </remarks>
internal sealed class DatabaseProblems(IProblemDetailsService problems, IOptions<EngineOptions> options) : IExceptionHandler
{
    /// <summary>SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN: the file, not the request.</summary>
    private static readonly HashSet<int> FileErrors = [8, 10, 11, 13, 14];

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (Find(exception) is not { } sqlite)
        {
            return false;
        }

        var file = Path.GetFullPath(options.Value.Database);
        var advice = sqlite.SqliteErrorCode == 13
            ? "free space on its file system (nothing was changed; apps keep being served), then retry"
            : "check the file and its folder (permissions, file system), then retry; nothing was changed";
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "30";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database cannot be written",
                Detail = $"The database {file} (Cutover:Database) refused the write: {sqlite.Message} {char.ToUpperInvariant(advice[0])}{advice[1..]}.",
            },
        });
    }

    private static SqliteException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SqliteException sqlite && FileErrors.Contains(sqlite.SqliteErrorCode))
            {
                return sqlite;
            }
        }

        return null;
    }
}
