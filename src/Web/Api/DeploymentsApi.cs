using System.Text.Json;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Api;

/// <summary>Deploy, roll back and read deployments.</summary>
public static class DeploymentsApi
{
    private const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/api/apps/{app}").WithTags("Deployments");
        apps.MapPost("/deployments", DeployAsync);
        apps.MapPost("/rollback", RollbackAsync);
        apps.MapGet("/deployments", ListForAppAsync);

        var deployments = routes.MapGroup("/api/deployments").WithTags("Deployments");
        deployments.MapGet("/", ListAsync);
        deployments.MapGet("/{id:long}", GetAsync);
        return routes;
    }

    private static async Task<Results<Accepted<DeploymentAccepted>, ProblemHttpResult>> DeployAsync(
        string app,
        HttpRequest request,
        DeploymentCoordinator coordinator,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        DeployBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<DeployBody>(request.Body, json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            return ApiProblems.BadRequest($"The body is not valid JSON: {ex.Message}");
        }

        if (body?.Image is not { Length: > 0 } image)
        {
            return ApiProblems.BadRequest("The body must be a JSON object with an \"image\", e.g. {\"image\": \"shop:1.4.2\"}.");
        }

        if (!ImageReference.IsValid(image, out var error))
        {
            return ApiProblems.BadRequest($"'{image}' is not a valid image reference: {error}");
        }

        return await RequestAsync(coordinator, new DeploymentRequest(app, image, DeploymentKind.Deploy, Requester(request), body.Reason, Address: Address(request)), cancellationToken);
    }

    private static Task<Results<Accepted<DeploymentAccepted>, ProblemHttpResult>> RollbackAsync(
        string app,
        HttpRequest request,
        DeploymentCoordinator coordinator,
        CancellationToken cancellationToken) =>
        RequestAsync(coordinator, new DeploymentRequest(app, null, DeploymentKind.Rollback, Requester(request), "rollback requested", Address: Address(request)), cancellationToken);

    private static async Task<Results<Accepted<DeploymentAccepted>, ProblemHttpResult>> RequestAsync(
        DeploymentCoordinator coordinator,
        DeploymentRequest request,
        CancellationToken cancellationToken)
    {
        try
        {
            var view = await coordinator.RequestAsync(request, cancellationToken);
            var url = $"/api/deployments/{view.Id}";
            return TypedResults.Accepted(url, new DeploymentAccepted(view.Id, view.App, view.Image, view.Status, url));
        }
        catch (Exception ex) when (ex is UnknownAppException or DeploymentConflictException or DeploymentRequestException)
        {
            return ApiProblems.From(ex);
        }
    }

    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult>> GetAsync(long id, DeploymentStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound($"There is no deployment {id}.");

    private static async Task<Results<Ok<IReadOnlyList<DeploymentView>>, ProblemHttpResult>> ListForAppAsync(
        string app,
        AppsConfigMonitor config,
        DeploymentStore store,
        CancellationToken cancellationToken,
        int skip = 0,
        int take = 50)
    {
        if (!config.Current.Apps.ContainsKey(app))
        {
            return ApiProblems.UnknownApp(app);
        }

        var views = await store.ListAsync(app, Math.Max(0, skip), Math.Clamp(take, 1, MaxPageSize), cancellationToken);
        return TypedResults.Ok(views);
    }

    private static async Task<Ok<IReadOnlyList<DeploymentView>>> ListAsync(DeploymentStore store, CancellationToken cancellationToken, int skip = 0, int take = 50)
    {
        var views = await store.ListAsync(null, Math.Max(0, skip), Math.Clamp(take, 1, MaxPageSize), cancellationToken);
        return TypedResults.Ok(views);
    }

    /// <summary>Who asked, for the audit trail; tokens and UI users come with the operator API issue.</summary>
    private static string Requester(HttpRequest request) =>
        request.Headers.UserAgent.ToString().StartsWith("s3dock", StringComparison.OrdinalIgnoreCase) ? "s3dock" : "api:local";

    private static string? Address(HttpRequest request) => request.HttpContext.Connection.RemoteIpAddress?.ToString();
}
