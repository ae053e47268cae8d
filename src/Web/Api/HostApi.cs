using System.Reflection;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Cutover.Engine.Secrets;

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

    private static async Task<IResult> StatusAsync(
        AppsConfigMonitor config, DeploymentCoordinator coordinator, DeploymentStore store, HostStart start, CancellationToken cancellationToken)
    {
        var running = new List<DeploymentView>();
        foreach (var app in config.Current.Apps.Keys.Order(StringComparer.Ordinal))
        {
            if (coordinator.RunningFor(app) is { } id && await store.GetAsync(id, cancellationToken) is { } view)
            {
                running.Add(view);
            }
        }

        return TypedResults.Ok(new HostStatusView(Version, start.At, config.FilePath, config.Current.Apps.Count, running, config.LastRejection));
    }

    private static IResult Config(AppsConfigMonitor config, SecretRedactor redactor) =>
        TypedResults.Ok(new ConfigView(config.FilePath, redactor.RedactYaml(config.CurrentText ?? string.Empty), config.LastRejection));
}

/// <summary>When this host process started.</summary>
public sealed record HostStart(DateTimeOffset At);
