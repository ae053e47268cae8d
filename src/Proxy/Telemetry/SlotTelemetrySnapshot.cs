using Cutover.Proxy.Traffic;

namespace Cutover.Proxy.Telemetry;

/// <summary>One slot's traffic figures at a moment.</summary>
/// <param name="Requests">Every exchange that ended: answered, failed in the proxy, or aborted.</param>
/// <param name="Classes">Answers the clients got, by status class; the proxy's own errors included.</param>
/// <param name="Codes">The same by exact status, only those seen.</param>
/// <param name="ProxyErrors">Answers the proxy made itself because forwarding failed; a backend's own 502 is not one.</param>
/// <param name="Aborted">Exchanges the client (or a drain deadline) cut before they were answered in full.</param>
/// <param name="LastMinute">Latencies of the ordinary requests (not WebSockets or event streams) that ended in the last minute.</param>
/// <param name="BytesIn">Request body bytes read from clients.</param>
/// <param name="BytesOut">Response body bytes relayed from the backend to clients.</param>
/// <param name="InFlight">Requests under way and open WebSockets (upgraded connections) now.</param>
public sealed record SlotTelemetrySnapshot(
    long Requests,
    StatusClassCounts Classes,
    IReadOnlyDictionary<int, long> Codes,
    ProxyErrorCounts ProxyErrors,
    long Aborted,
    LatencyPercentiles LastMinute,
    long BytesIn,
    long BytesOut,
    TrafficCounts InFlight)
{
    /// <summary>Latencies of the ordinary requests timed since the start, per bucket: what analysis of any interval reads.</summary>
    public CumulativeLatency? Latency { get; init; }
}

/// <summary>Answers by status class.</summary>
public readonly record struct StatusClassCounts(long Informational, long Successful, long Redirection, long ClientError, long ServerError);

/// <summary>The proxy's own error answers by status: 502 (the backend refused or broke off), 503, 504 (it went silent), and any other.</summary>
public readonly record struct ProxyErrorCounts(long BadGateway, long ServiceUnavailable, long GatewayTimeout, long Other)
{
    public long Total => BadGateway + ServiceUnavailable + GatewayTimeout + Other;
}
