using OpenTelemetry.Metrics;

namespace Cutover.Bench.ProxyHost;

/// <summary>The host's <c>/metrics</c>, as src/Web/Composition/MetricsComposition.cs composes it, for the bench host.</summary>
/// <remarks>
/// A copy rather than a reference: MetricsComposition is internal to the host, which would bring the engine, the
/// console and SQLite along. Keep the two alike. The host's endpoint also requires authorization (open on loopback
/// without tokens); that is a cost per scrape, not per proxied request, so the bench leaves it out.
/// </remarks>
internal static class PrometheusExporter
{
    private const string Path = "/metrics";

    public static IServiceCollection AddBenchPrometheusExporter(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Cutover.*")
            .AddPrometheusExporter(prometheus =>
            {
                prometheus.ScrapeEndpointPath = Path;
                prometheus.ScopeInfoEnabled = false;
                prometheus.TargetInfoEnabled = false;
            }));
        return services;
    }

    public static WebApplication MapBenchPrometheusEndpoint(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }
}
