namespace Cutover.Proxy.Telemetry;

/// <summary>An application's traffic figures at a moment, per slot.</summary>
/// <param name="NoBackend">Requests answered 503 because no slot was routed.</param>
public sealed record AppTelemetrySnapshot(string App, long NoBackend, SlotTelemetrySnapshot Blue, SlotTelemetrySnapshot Green);
