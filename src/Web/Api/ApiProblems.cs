using Cutover.Engine.Deployments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>RFC 7807 answers for the engine's refusals: a status and a sentence an operator can act on.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult UnknownApp(string app) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown application", detail: $"There is no application named '{app}' in apps.yaml.");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult RuntimeUnavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Container runtime unavailable", detail: detail);

    /// <summary>The one mapping of the coordinator's refusals (deploy, redeploy, rollback, cancel) to problems.</summary>
    public static ProblemHttpResult From(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.UnknownApp => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown application", detail: refusal.Reason),
        RefusalKind.UnderWay => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Deployment under way",
            detail: refusal.Reason,
            extensions: new Dictionary<string, object?> { ["runningDeployment"] = $"/api/deployments/{refusal.Deployment}" }),
        RefusalKind.KeyReused => TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Idempotency key reused",
            detail: refusal.Reason,
            extensions: new Dictionary<string, object?> { ["firstDeployment"] = $"/api/deployments/{refusal.Deployment}" }),
        RefusalKind.NoRollbackTarget => refusal.Rollback switch
        {
            RollbackRefusal.UnknownDeployment => NotFound(refusal.Reason),
            RollbackRefusal.OtherApp => BadRequest(refusal.Reason),
            RollbackRefusal.NoEarlierRelease => Conflict("No earlier release", refusal.Reason),
            _ => Conflict("Cannot roll back there", refusal.Reason),
        },
        RefusalKind.UnknownDeployment => NotFound(refusal.Reason),
        RefusalKind.CannotCancel => Conflict("Cannot cancel", refusal.Reason),
        RefusalKind.CannotPromote => Conflict("Cannot promote", refusal.Reason),
        RefusalKind.CannotAbort => Conflict("Cannot abort", refusal.Reason),
        _ => BadRequest(refusal.Reason),
    };
}
