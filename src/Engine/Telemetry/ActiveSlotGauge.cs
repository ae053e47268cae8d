using System.Diagnostics.Metrics;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Engine.Telemetry;

/// <summary>The gauge <c>cutover.active_slot</c>: per app, 1 for the slot the proxy routes to and 0 for the other.</summary>
/// <remarks>
/// Read from the proxy at each scrape, not from SQLite: it is what serves, and a scrape costs no query. An app with
/// no active slot (nothing healthy yet, or answering 503) reports 0 for both, so "no slot serves" can be alerted on.
/// </remarks>
public sealed class ActiveSlotGauge
{
    public ActiveSlotGauge(IMeterFactory meters, AppsConfigMonitor config, ITrafficSwitch traffic)
    {
        meters.Create(EngineMetrics.MeterName).CreateObservableGauge(
            "cutover.active_slot",
            () => Measure(config, traffic),
            unit: null,
            description: "1 for the slot that serves each app, 0 for the other.");
    }

    private static IEnumerable<Measurement<int>> Measure(AppsConfigMonitor config, ITrafficSwitch traffic)
    {
        if (config.CurrentOrNull is not { } loaded)
        {
            yield break;
        }

        foreach (var app in loaded.Apps.Keys)
        {
            var active = traffic.GetTraffic(app)?.ActiveSlot;
            foreach (var slot in (Slot[])[Slot.Blue, Slot.Green])
            {
                yield return new Measurement<int>(
                    active == slot ? 1 : 0,
                    new KeyValuePair<string, object?>("app", app),
                    new KeyValuePair<string, object?>("slot", slot.Name()));
            }
        }
    }
}
