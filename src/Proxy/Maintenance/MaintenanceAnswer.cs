using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Cutover.Proxy.Maintenance;

/// <summary>Writes the 503 of an application in maintenance: an HTML page for browsers, a line of text for everyone else.</summary>
internal static class MaintenanceAnswer
{
    public static string MessageOf(string app, MaintenancePage page) =>
        page.Message ?? $"{app} is down for maintenance. Please try again later.";

    public static Task WriteAsync(HttpContext context, string app, MaintenancePage page)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        if (page.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        // A cache or a browser keeping this page would show it after the maintenance is over.
        response.Headers.CacheControl = "no-store";
        var message = MessageOf(app, page);
        if (WantsHtml(context.Request))
        {
            response.ContentType = "text/html; charset=utf-8";
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.WriteAsync(Html(app, message), context.RequestAborted);
        }

        response.ContentType = "text/plain; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.WriteAsync($"503 Service Unavailable: {message}\n", context.RequestAborted);
    }

    /// <summary>A browser asks for text/html by name; an API client or curl (<c>*/*</c>) gets the plain line.</summary>
    internal static bool WantsHtml(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);

    private static string Html(string app, string message)
    {
        var encoder = HtmlEncoder.Default;
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{encoder.Encode(app)}}: maintenance</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#333}h1{font-size:1.5rem}</style>
            </head>
            <body>
            <h1>Down for maintenance</h1>
            <p>{{encoder.Encode(message)}}</p>
            </body>
            </html>

            """;
    }
}
