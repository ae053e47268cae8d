using Cutover.Engine.Hosting;

namespace Cutover.Web.Composition;

/// <summary>While this host takes over, the engine is still the running host's: changes through the API are refused with 503 and Retry-After.</summary>
/// <remarks>Reads are answered (from the shared database); a change would be written by two engines at once.</remarks>
internal sealed class TakeoverGate(RequestDelegate next, EngineLease lease)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (lease.IsHeld
            || !context.Request.Path.StartsWithSegments("/api")
            || HttpMethods.IsGet(context.Request.Method)
            || HttpMethods.IsHead(context.Request.Method))
        {
            return next(context);
        }

        context.Response.Headers.RetryAfter = "2";
        return Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Cutover is taking over",
            detail: "This host is taking over from the running one and does not run the engine yet; retry in a few seconds.").ExecuteAsync(context);
    }
}
