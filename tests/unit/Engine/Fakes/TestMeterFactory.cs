using System.Diagnostics.Metrics;
using Cutover.Engine.Telemetry;

namespace Cutover.Tests.Unit.Engine.Fakes;

/// <summary>An <see cref="IMeterFactory"/> for types a test builds by hand; its meters carry it as their scope.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    /// <summary>Engine instruments that nothing listens to, for tests about something else.</summary>
    public static EngineMetrics Unobserved() => new(new TestMeterFactory());

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
            _meters.Clear();
        }
    }
}
