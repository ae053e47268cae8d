using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>How deployments go: outcomes, success rate, median and p95 duration, per app.</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/stats", AllAsync).WithTags("Stats").WithSummary("Deployment outcomes and durations of every application.");
        routes.MapGet("/api/apps/{app}/stats", OneAsync).WithTags("Stats").WithSummary("Deployment outcomes and durations of one application.");
        return routes;
    }

    private static async Task<Ok<DeploymentStats[]>> AllAsync(AppsConfigMonitor config, DeploymentStore store, CancellationToken cancellationToken)
    {
        var measured = (await store.StatsAsync(null, cancellationToken)).ToDictionary(s => s.App, StringComparer.Ordinal);

        // Configured apps without a finished deployment still get a row; removed apps keep theirs.
        var apps = config.Current.Apps.Keys.Union(measured.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return TypedResults.Ok(apps.Select(a => measured.GetValueOrDefault(a) ?? DeploymentStats.Empty(a)).ToArray());
    }

    private static async Task<Results<Ok<DeploymentStats>, ProblemHttpResult>> OneAsync(string app, AppsConfigMonitor config, DeploymentStore store, CancellationToken cancellationToken)
    {
        var stats = (await store.StatsAsync(app, cancellationToken)).SingleOrDefault();
        if (stats is null && !config.Current.Apps.ContainsKey(app))
        {
            return ApiProblems.UnknownApp(app);
        }

        return TypedResults.Ok(stats ?? DeploymentStats.Empty(app));
    }
}
