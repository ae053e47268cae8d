using System.Globalization;
using Cutover.Engine.Hosting;

namespace Cutover.Web.Api;

/// <summary>Holds back every API change (any method but GET, HEAD, OPTIONS under <c>/api</c>) until the engine has reconciled.</summary>
/// <remarks>
/// Before reconciliation, a deployment races it on the same rows and containers: reconciliation forgets the
/// container record the deployment is updating (a DbUpdateConcurrencyException after a kill -9 and an immediate
/// POST) or removes, as an orphan, the container the deployment has just created. So a change gets 503 with
/// Retry-After; with <c>?wait=true</c> it waits for reconciliation first (up to its timeout and at most
/// <see cref="MaxWait"/>). Reads pass: the stored state is worth showing while the engine starts. A middleware
/// by convention rather than a filter per endpoint, so that a new change endpoint cannot forget it.
/// </remarks>
internal sealed partial class StartupGate(RequestDelegate next, EngineReadiness readiness, IProblemDetailsService problems, ILogger<StartupGate> logger)
{
    public const int RetryAfterSeconds = 2;

    public const string Title = "Cutover is starting";

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public async Task InvokeAsync(HttpContext context)
    {
        if (readiness.IsReconciled || !IsChange(context.Request))
        {
            await next(context);
            return;
        }

        if (WaitBound.Parse(context.Request.Query).Bound is { } bound
            && await readiness.WaitUntilReconciledAsync(bound < MaxWait ? bound : MaxWait, context.RequestAborted))
        {
            await next(context);
            return;
        }

        Log.Refused(logger, context.Request.Method, context.Request.Path, readiness.Phase);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = Title,
                Detail = Detail(readiness),
            },
        });
    }

    /// <summary>The sentence a refused change carries, in the API and in the console alike.</summary>
    public static string Detail(EngineReadiness readiness) =>
        $"Changes wait until the engine has reconciled with Docker ({readiness.Phase}); retry in a few seconds.";

    private static bool IsChange(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Refused {Method} {Path} while starting: {Phase}")]
        public static partial void Refused(ILogger logger, string method, string path, string phase);
    }
}
