using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cutover.Bench.ProxyHost;

/// <summary><c>bench-proxy record-cost</c>: the exporter's cost per proxied request, timed alone on one thread.</summary>
/// <remarks>
/// With an exporter attached, the proxy's only added per-request work is one <c>Histogram.Record</c> with three tags
/// (src/Proxy/Telemetry/ProxyMetrics.cs, RecordDuration); without one, the <c>Enabled</c> check skips it. On a shared
/// machine an end-to-end run cannot resolve a cost this small, so this times the same call the same way, with the
/// host's meter provider built by the same code (PrometheusExporter), in batches; the fastest batch is the cost
/// without interference from other processes.
/// </remarks>
internal static class RecordCost
{
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly string[] ClassNames = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];

    public static async Task<int> RunAsync()
    {
        const int Batches = 30;
        const int PerBatch = 1_000_000;
        foreach (var exporter in new[] { false, true })
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddMetrics();
            if (exporter)
            {
                builder.Services.AddBenchPrometheusExporter();
            }

            using var host = builder.Build();
            await host.StartAsync();
            var meter = host.Services.GetRequiredService<IMeterFactory>().Create("Cutover.Proxy");
            var duration = meter.CreateHistogram("cutover.proxy.request.duration", unit: "s", description: null, tags: null,
                advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
            var alone = Fastest(duration, Batches, PerBatch);
            // Every request of an app's slot records into the same series: on all cores at once, they contend for it.
            var threads = Environment.ProcessorCount;
            var together = await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(() => Fastest(duration, Batches, PerBatch))));
            Console.WriteLine($"record-cost: exporter {(exporter ? "on " : "off")}: {alone:F1} ns per request on one thread, {together.Max():F1} ns on {threads} threads at once (fastest of {Batches} batches of {PerBatch:N0})");
            await host.StopAsync();
        }

        return 0;
    }

    private static double Fastest(Histogram<double> duration, int batches, int perBatch)
    {
        var best = double.MaxValue;
        for (var batch = 0; batch < batches; batch++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                // As ProxyMetrics.RecordDuration: a latency of a few ms, one app, one slot, status class 2xx.
                if (duration.Enabled)
                {
                    duration.Record(0.002 + (i & 7) * 0.001, new TagList { { "app", "bench" }, { "slot", "blue" }, { "class", ClassNames[2] } });
                }
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / perBatch);
        }

        return best;
    }
}
