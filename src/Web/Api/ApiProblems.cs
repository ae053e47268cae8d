using Cutover.Engine.Deployments;
using Cutover.Engine.Runtime;
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

    /// <summary>Maps what <see cref="DeploymentCoordinator.RequestAsync"/> refuses with.</summary>
    public static ProblemHttpResult From(Exception refusal) => refusal switch
    {
        UnknownAppException e => UnknownApp(e.App),
        DeploymentConflictException e => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Deployment under way",
            detail: e.Message,
            extensions: new Dictionary<string, object?> { ["runningDeployment"] = $"/api/deployments/{e.RunningId}" }),
        IdempotencyKeyReusedException e => TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Idempotency key reused",
            detail: e.Message,
            extensions: new Dictionary<string, object?> { ["firstDeployment"] = $"/api/deployments/{e.First.Id}" }),
        RollbackTargetException e => e.Refusal switch
        {
            RollbackRefusal.UnknownDeployment => NotFound(e.Message),
            RollbackRefusal.OtherApp => BadRequest(e.Message),
            RollbackRefusal.NoEarlierRelease => Conflict("No earlier release", e.Message),
            _ => Conflict("Cannot roll back there", e.Message),
        },
        DeploymentRequestException e => BadRequest(e.Message),
        ContainerRuntimeException e => RuntimeUnavailable(e.Message),
        _ => throw refusal,
    };
}
