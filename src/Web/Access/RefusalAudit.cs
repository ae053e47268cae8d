using Cutover.Engine.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Access;

/// <summary>Audits the changes the API refuses before they reach the engine (bad body, bad image, bad header).</summary>
/// <remarks>
/// The engine audits its own refusals (unknown app, deployment under way, ...); an endpoint marks those with
/// <see cref="MarkAudited"/> so that no refusal is recorded twice.
/// </remarks>
internal sealed class RefusalAudit(AuditLog audit) : IEndpointFilter
{
    private static readonly object AuditedKey = new();

    public static void MarkAudited(HttpContext context) => context.Items[AuditedKey] = true;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        // A typed endpoint answers Results<...>: the problem is the result inside it.
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        if (answer is ProblemHttpResult { StatusCode: >= 400 and < 500 } problem && !http.Items.ContainsKey(AuditedKey))
        {
            await audit.AppendAsync(
                ApiCaller.NameOf(http),
                "api.refused",
                "refused",
                http.GetRouteValue("app") as string,
                $"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}: {problem.StatusCode} {problem.ProblemDetails.Detail}",
                http.RequestAborted,
                address: ApiCaller.AddressOf(http));
        }

        return result;
    }
}
