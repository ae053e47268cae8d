namespace Cutover.Web.Access;

/// <summary>Refuses what a browser can be made to send by a page that is not this host's: a foreign Host, Origin or content type.</summary>
/// <remarks>
/// Tools (curl, s3dock, the CLI) send no Origin and keep working. A browser sends Origin on every POST and
/// WebSocket, and <c>Sec-Fetch-Site</c> on every request; a page elsewhere can still send a "simple" POST
/// (<c>text/plain</c>, a form) without a CORS preflight, which is why a change under <c>/api</c> must also be JSON.
/// Runs before authentication, so it protects the console's cookie as much as the local, token-less API.
/// </remarks>
internal sealed partial class CrossSiteRequestGuard(RequestDelegate next, AdminHosts hosts, IProblemDetailsService problems, ILogger<CrossSiteRequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!hosts.Allows(request.Host))
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, "Unknown host",
                $"This is Cutover's admin listener; it answers to {hosts.Described}, not to '{Shorten(request.Host.Host)}' (add a name the host is reached by to Cutover:Api:AllowedHosts).");
            return;
        }

        var change = IsChange(request.Method);
        if (change || IsLiveConnection(request.Path))
        {
            if (request.Headers.Origin.ToString() is { Length: > 0 } origin && !IsOwnOrigin(origin, request.Host))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Cross-origin request refused",
                    $"Origin {Shorten(origin)} is not this host's own ({request.Scheme}://{request.Host}): changes come from the console's own pages, or from tools that send no Origin.");
                return;
            }

            if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused",
                    "The browser says this request comes from another site's page (Sec-Fetch-Site); changes come from the console's own pages, or from tools.");
                return;
            }
        }

        if (change && request.Path.StartsWithSegments("/api") && !IsJsonOrNothing(request))
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "JSON required",
                $"A change takes a JSON body with 'Content-Type: application/json' (or no body and no Content-Type), not {(string.IsNullOrEmpty(request.ContentType) ? "a body without a Content-Type" : $"'{Shorten(request.ContentType)}'")}.");
            return;
        }

        await next(context);
    }

    private static bool IsChange(string method) =>
        !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method) && !HttpMethods.IsTrace(method);

    /// <summary>The console's circuit and the events hub: a GET WebSocket handshake there acts as the signed-in user.</summary>
    private static bool IsLiveConnection(PathString path) => path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/hubs");

    /// <summary>The scheme is not compared: behind a TLS-terminating proxy the page is https and this listener http.</summary>
    private static bool IsOwnOrigin(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            // Includes "null": a sandboxed frame, a file, a page that hid its origin.
            return false;
        }

        var name = host.Host.Trim('[', ']');
        return uri.Host.Trim('[', ']').Equals(name, StringComparison.OrdinalIgnoreCase)
            && (host.Port is { } port ? uri.Port == port : uri.IsDefaultPort);
    }

    private static bool IsJsonOrNothing(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType))
        {
            // curl -X POST .../redeploy: no body, no type.
            return request.ContentLength is null or 0 && !request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
        }

        // application/json, with a charset or not, or any application/*+json.
        return request.HasJsonContentType();
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";

    private async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        // Logged, not audited: whoever is refused here must not be able to fill the audit trail.
        Log.Refused(logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString(), status, title);
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refused {Method} {Path} from {Address}: {Status} {Reason}")]
        public static partial void Refused(ILogger logger, string method, string path, string? address, int status, string reason);
    }
}
