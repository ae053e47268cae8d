namespace Cutover.Web.Access;

/// <summary>Headers on every console and API answer that keep a browser from sniffing, leaking the URL or framing the console.</summary>
/// <remarks>
/// Set when the response starts rather than on the way in: the exception handler clears the headers of a failed
/// request before it writes its problem. The CSP only forbids framing, plugins and a changed base URL; a script or
/// style policy would have to allow Blazor Server's and MudBlazor's inline ones, and would protect little more.
/// </remarks>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            // Not no-referrer: with it a browser sends "Origin: null" on the sign-in form's POST, which the guard refuses.
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
