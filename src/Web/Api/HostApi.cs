using System.Reflection;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>The host itself: version, what runs, the apps.yaml in force.</summary>
public static class HostApi
{
    private static readonly string Version =
        typeof(HostApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static IEndpointRouteBuilder MapHostApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").WithTags("Host");
        group.MapGet("/status", StatusAsync).WithSummary("Version, start time, the deployments under way and the last refused apps.yaml edit.");
        group.MapGet("/config", Config).WithSummary("The apps.yaml in force (secrets redacted) and the last refused edit.");
        return routes;
    }

    /// <summary>
    /// <c>/healthz</c> (the process serves) and <c>/readyz</c> (it can take changes, each check said), without a
    /// token: probes (systemd, a load balancer, a deploy script waiting for a restart) rarely carry one.
    /// </summary>
    public static IEndpointRouteBuilder MapHostProbes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new AliveView("alive")))
            .WithTags("Host").WithSummary("200 while the process serves.");
        routes.MapGet("/readyz", ReadyAsync)
            .WithTags("Host").WithSummary("200 when apps.yaml is in force, SQLite writable, Docker reachable and the engine reconciled; 503 otherwise.");
        return routes;
    }

    private static async Task<JsonHttpResult<ReadinessView>> ReadyAsync(EngineReadiness readiness, CancellationToken cancellationToken)
    {
        var report = await readiness.CheckAsync(cancellationToken);
        return TypedResults.Json(
            new ReadinessView(report.Ready ? "ready" : "not_ready", report.Checks),
            statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> StatusAsync(
        AppsConfigMonitor config,
        DeploymentCoordinator coordinator,
        DeploymentStore store,
        HostStart start,
        DockerLiveRestore liveRestore,
        CancellationToken cancellationToken)
    {
        var running = new List<DeploymentView>();
        foreach (var app in config.Current.Apps.Keys.Order(StringComparer.Ordinal))
        {
            if (coordinator.RunningFor(app) is { } id && await store.GetAsync(id, cancellationToken) is { } view)
            {
                running.Add(view);
            }
        }

        var docker = new HostDockerView(liveRestore.Enabled, liveRestore.Warning);
        return TypedResults.Ok(new HostStatusView(Version, start.At, config.FilePath, config.Current.Apps.Count, running, config.LastRejection, docker));
    }

    private static IResult Config(AppsConfigMonitor config, SecretRedactor redactor) =>
        TypedResults.Ok(new ConfigView(config.FilePath, redactor.RedactYaml(config.CurrentText ?? string.Empty), config.LastRejection));
}

/// <summary><c>/healthz</c>: the process serves.</summary>
public sealed record AliveView(string Status);

/// <summary>
/// <c>/readyz</c>: <c>ready</c> or <c>not_ready</c>, and each check (<c>config</c>, <c>sqlite</c>, <c>docker</c>, <c>reconciled</c>,
/// and <c>live_restore</c>, which informs and never fails).
/// </summary>
public sealed record ReadinessView(string Status, IReadOnlyDictionary<string, ReadinessCheck> Checks);

/// <summary>When this host process started.</summary>
public sealed record HostStart(DateTimeOffset At);
