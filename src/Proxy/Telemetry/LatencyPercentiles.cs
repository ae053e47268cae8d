namespace Cutover.Proxy.Telemetry;

/// <summary>Latency percentiles of the requests timed over a span, in milliseconds (zero when <paramref name="Count"/> is zero).</summary>
public readonly record struct LatencyPercentiles(long Count, double P50Ms, double P95Ms, double P99Ms);
