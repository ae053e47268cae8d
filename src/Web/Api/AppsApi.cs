using System.Diagnostics;
using Cutover.Engine.Board;
using Cutover.Engine.Configuration;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>Read the applications: what serves, how healthy, how busy, what their containers print.</summary>
public static class AppsApi
{
    private const int MaxHealthRows = 1000;
    private const int MaxLogLines = 5000;

    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/api/apps").WithTags("Apps");
        apps.MapGet("/", async (AppBoard board, CancellationToken cancellationToken) => TypedResults.Ok((await board.SnapshotAsync(cancellationToken)).Apps.Select(a => a.Status).ToArray()))
            .WithSummary("Every application: active slot, image, health, in-flight requests and sockets.");
        apps.MapGet("/{app}", GetAsync).WithSummary("One application with both slots and the proxy's traffic figures per slot.");
        apps.MapGet("/{app}/health", HealthAsync).WithSummary("Health-check history with latencies, newest first.");
        apps.MapGet("/{app}/logs", LogsAsync).WithSummary("The tail of a slot container's output (default: the active slot); with follow=true, plain text lines as they are written.");
        return routes;
    }

    private static async Task<Results<Ok<AppStatus>, ProblemHttpResult>> GetAsync(
        string app, AppStatusReader reader, ITrafficSwitch traffic, CancellationToken cancellationToken)
    {
        if (await reader.GetAsync(app, cancellationToken) is not { } status)
        {
            return ApiProblems.UnknownApp(app);
        }

        // The figures are read here, for the one app asked about, rather than in every status the console builds.
        return TypedResults.Ok(traffic.GetFigures(app) is { } figures
            ? status with { Slots = [.. status.Slots.Select(s => s with { Traffic = figures.Of(s.Slot) })] }
            : status);
    }

    private static async Task<Results<Ok<HealthCheckView[]>, ProblemHttpResult>> HealthAsync(
        string app, AppsConfigMonitor config, HealthStore health, CancellationToken cancellationToken, int limit = 100, string? slot = null)
    {
        if (!config.Current.Apps.ContainsKey(app))
        {
            return ApiProblems.UnknownApp(app);
        }

        if (SlotQuery.Parse(slot, out var which) is { } bad)
        {
            return bad;
        }

        var checks = await health.ListAsync(app, which, Math.Clamp(limit, 1, MaxHealthRows), cancellationToken);
        return TypedResults.Ok(checks.Select(c => c with { LatencyMs = Math.Round(c.LatencyMs, 2) }).ToArray());
    }

    private static async Task<Results<Ok<ContainerLogsView>, ProblemHttpResult, FollowedLogs>> LogsAsync(
        string app,
        AppsConfigMonitor config,
        ContainerOutput output,
        CancellationToken cancellationToken,
        string? slot = null,
        int tail = 100,
        bool follow = false)
    {
        if (!config.Current.Apps.ContainsKey(app))
        {
            return ApiProblems.UnknownApp(app);
        }

        if (SlotQuery.Parse(slot, out var which) is { } bad)
        {
            return bad;
        }

        switch (await output.LocateAsync(app, which, cancellationToken))
        {
            case OutputSource.NoActiveSlot:
                return ApiProblems.NotFound($"Application '{app}' has no active slot yet; name one with ?slot=blue or ?slot=green.");
            case OutputSource.NoContainer missing:
                return ApiProblems.NotFound($"Application '{app}' has no {missing.Slot.Name()} container.");
            case OutputSource.Container container when follow:
                return new FollowedLogs(output.FollowAsync(container, Math.Clamp(tail, 0, MaxLogLines), CancellationToken.None));
            case OutputSource.Container container:
                try
                {
                    var lines = await output.TailAsync(container, Math.Clamp(tail, 1, MaxLogLines), cancellationToken);
                    return TypedResults.Ok(new ContainerLogsView(app, container.Slot, container.ContainerId, [.. lines]));
                }
                catch (ContainerRuntimeException ex)
                {
                    return ApiProblems.RuntimeUnavailable(ex.Message);
                }

            default:
                throw new UnreachableException();
        }
    }
}
