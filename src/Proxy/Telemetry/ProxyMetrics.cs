using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Telemetry;

/// <summary>The proxy's traffic as System.Diagnostics.Metrics instruments of the meter "Cutover.Proxy".</summary>
/// <remarks>
/// Instruments (an exporter such as Prometheus turns dots into underscores and adds unit suffixes):
/// <list type="bullet">
/// <item><c>cutover.proxy.requests</c> (counter; app, slot, code, class): answers by exact status; slot "none" for the 503s of an app with no routed slot.</item>
/// <item><c>cutover.proxy.errors</c> (counter; app, slot, code): the proxy's own 502/503/504, apart from a backend's.</item>
/// <item><c>cutover.proxy.aborted</c> (counter; app, slot): exchanges the client or a drain cut before the answer ended.</item>
/// <item><c>cutover.proxy.request.duration</c> (histogram, s; app, slot, class): ordinary requests, not WebSockets or event streams.</item>
/// <item><c>cutover.proxy.request.body</c>, <c>cutover.proxy.response.body</c> (counters, By; app, slot): body bytes from clients, and relayed to them.</item>
/// <item><c>cutover.proxy.active_requests</c>, <c>cutover.proxy.open_websockets</c> (up-down counters; app, slot).</item>
/// </list>
/// Everything but the duration is observable: the exporter reads the proxy's own counters when it collects, so
/// the request path pays nothing for it. The duration histogram is recorded per request, and only while a
/// listener (an exporter) is attached.
/// </remarks>
internal sealed class ProxyMetrics
{
    public const string MeterName = "Cutover.Proxy";

    private static readonly string[] ClassNames = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];

    // Latencies of a proxy on loopback sit well under a second; the defaults (up to 10 s) suit the slow ones.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _duration;

    public ProxyMetrics(IMeterFactory meters, Func<IEnumerable<ProxiedApp>> apps)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram(
            "cutover.proxy.request.duration",
            unit: "s",
            description: "Time from a request's arrival to the end of its answer, per app, slot and status class.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableCounter("cutover.proxy.requests", () => Requests(apps()), "{request}", "Answers by app, slot and status.");
        meter.CreateObservableCounter("cutover.proxy.errors", () => Errors(apps()), "{request}", "The proxy's own error answers (502, 503, 504), by app, slot and status.");
        meter.CreateObservableCounter("cutover.proxy.aborted", () => PerSlot(apps(), s => s.Telemetry.Aborted), "{request}", "Exchanges cut by the client or a drain before the answer ended.");
        meter.CreateObservableCounter("cutover.proxy.request.body", () => PerSlot(apps(), s => s.Telemetry.BytesIn), "By", "Request body bytes read from clients.");
        meter.CreateObservableCounter("cutover.proxy.response.body", () => PerSlot(apps(), s => s.Telemetry.BytesOut), "By", "Response body bytes relayed to clients.");
        meter.CreateObservableUpDownCounter("cutover.proxy.active_requests", () => PerSlot(apps(), s => s.Target.Counts.Requests), "{request}", "Requests under way.");
        meter.CreateObservableUpDownCounter("cutover.proxy.open_websockets", () => PerSlot(apps(), s => s.Target.Counts.Sockets), "{connection}", "Open WebSockets (upgraded connections).");
    }

    /// <summary>Records one timed request, only while something listens.</summary>
    public void RecordDuration(double seconds, string app, string slot, int statusClass)
    {
        if (_duration.Enabled)
        {
            _duration.Record(seconds, new TagList { { "app", app }, { "slot", slot }, { "class", ClassNames[statusClass] } });
        }
    }

    private static IEnumerable<Measurement<long>> Requests(IEnumerable<ProxiedApp> apps)
    {
        foreach (var app in apps)
        {
            foreach (var slot in Slots(app))
            {
                foreach (var (code, count) in slot.Telemetry.Codes())
                {
                    yield return new Measurement<long>(count, Tag("app", app.Config.App), Tag("slot", slot.Telemetry.SlotName), Tag("code", code), Tag("class", ClassNames[SlotTelemetry.ClassOf(code)]));
                }
            }

            if (app.Telemetry.NoBackend is var unrouted and > 0)
            {
                yield return new Measurement<long>(unrouted, Tag("app", app.Config.App), Tag("slot", "none"), Tag("code", 503), Tag("class", "5xx"));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Errors(IEnumerable<ProxiedApp> apps)
    {
        foreach (var app in apps)
        {
            foreach (var slot in Slots(app))
            {
                foreach (var (code, count) in slot.Telemetry.ProxyErrors())
                {
                    if (count > 0)
                    {
                        yield return new Measurement<long>(count, Tag("app", app.Config.App), Tag("slot", slot.Telemetry.SlotName), Tag("code", code));
                    }
                }
            }

            if (app.Telemetry.NoBackend is var unrouted and > 0)
            {
                yield return new Measurement<long>(unrouted, Tag("app", app.Config.App), Tag("slot", "none"), Tag("code", 503));
            }
        }
    }

    private static IEnumerable<Measurement<long>> PerSlot(IEnumerable<ProxiedApp> apps, Func<(SlotTelemetry Telemetry, SlotTarget Target), long> value)
    {
        foreach (var app in apps)
        {
            foreach (var slot in Slots(app))
            {
                yield return new Measurement<long>(value(slot), Tag("app", app.Config.App), Tag("slot", slot.Telemetry.SlotName));
            }
        }
    }

    private static (SlotTelemetry Telemetry, SlotTarget Target)[] Slots(ProxiedApp app) =>
        [(app.Telemetry.Blue, app.Blue), (app.Telemetry.Green, app.Green)];

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
