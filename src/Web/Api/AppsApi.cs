using Cutover.Engine.Status;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>Read the applications: what serves, how healthy, how busy.</summary>
public static class AppsApi
{
    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/api/apps").WithTags("Apps");
        apps.MapGet("/", async (AppStatusReader reader, CancellationToken cancellationToken) => TypedResults.Ok(await reader.ListAsync(cancellationToken)));
        apps.MapGet("/{app}", GetAsync);
        return routes;
    }

    private static async Task<Results<Ok<AppStatus>, ProblemHttpResult>> GetAsync(string app, AppStatusReader reader, CancellationToken cancellationToken) =>
        await reader.GetAsync(app, cancellationToken) is { } status ? TypedResults.Ok(status) : ApiProblems.UnknownApp(app);
}
