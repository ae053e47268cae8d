using Cutover.Engine.Telemetry;
using OpenTelemetry.Metrics;

namespace Cutover.Web.Composition;

/// <summary><c>GET /metrics</c>: every <c>Cutover.*</c> meter in Prometheus text, behind the API's access rules.</summary>
/// <remarks>
/// The engine and the proxy define their instruments with System.Diagnostics.Metrics and know nothing of an exporter;
/// OpenTelemetry's Prometheus exporter names them by the OpenTelemetry-to-Prometheus rules (dots to underscores,
/// <c>_total</c> on counters, <c>_seconds</c> from the unit <c>s</c>). Scope labels and <c>target_info</c> are off, so
/// every series is <c>cutover_...</c> with only the instrument's own labels.
/// </remarks>
internal static class MetricsComposition
{
    public const string Path = "/metrics";

    public static WebApplicationBuilder AddCutoverMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Cutover.*")
            .AddPrometheusExporter(prometheus =>
            {
                prometheus.ScrapeEndpointPath = Path;
                prometheus.ScopeInfoEnabled = false;
                prometheus.TargetInfoEnabled = false;
            }));
        return builder;
    }

    public static WebApplication MapCutoverMetrics(this WebApplication app)
    {
        // An observable gauge exists from when it is made: made here, it is there for the first scrape.
        app.Services.GetRequiredService<ActiveSlotGauge>();
        // The default policy: a token when tokens are configured, the console's cookie, or open on loopback without tokens.
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization();
        return app;
    }
}
