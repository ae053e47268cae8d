using System.Text.Json.Serialization;
using Cutover.Engine.Model;

namespace Cutover.Engine.Traffic;

/// <summary>What the proxy counted for one application since it was first served, per slot.</summary>
/// <param name="NoBackend">Requests answered 503 because no slot was routed.</param>
public sealed record TrafficFigures(long NoBackend, SlotTrafficFigures Blue, SlotTrafficFigures Green)
{
    public SlotTrafficFigures Of(Slot slot) => slot == Slot.Blue ? Blue : Green;
}

/// <summary>What the proxy counted for one slot: answers by class, its own errors, latencies of the last minute, body bytes.</summary>
/// <param name="Requests">Every exchange that ended: answered, failed in the proxy, or cut by the client.</param>
/// <param name="ByClass">Answers the clients got, by status class (the proxy's own errors included).</param>
/// <param name="ProxyErrors">Answers the proxy made itself because forwarding failed; a backend's own 502 is not one.</param>
/// <param name="Aborted">Exchanges the client (or a drain deadline) cut before they were answered in full.</param>
/// <param name="LastMinute">Latencies of the ordinary requests (not WebSockets or event streams) that ended in the last minute.</param>
/// <param name="BytesIn">Request body bytes read from clients.</param>
/// <param name="BytesOut">Response body bytes relayed to clients.</param>
public sealed record SlotTrafficFigures(
    long Requests,
    RequestsByClass ByClass,
    ProxyErrorCounts ProxyErrors,
    long Aborted,
    LatencySummary LastMinute,
    long BytesIn,
    long BytesOut)
{
    /// <summary>Latencies of the ordinary requests timed since the app was first served, per bucket (for analysis of any interval; not in the API's answer).</summary>
    [JsonIgnore]
    public LatencyHistogram? Latency { get; init; }

    /// <summary>Answers the clients got, whatever their status (aborted exchanges are not answers).</summary>
    [JsonIgnore]
    public long Answered => ByClass.Informational + ByClass.Successful + ByClass.Redirection + ByClass.ClientError + ByClass.ServerError;
}

/// <summary>Answers by status class.</summary>
public sealed record RequestsByClass(
    [property: JsonPropertyName("1xx")] long Informational,
    [property: JsonPropertyName("2xx")] long Successful,
    [property: JsonPropertyName("3xx")] long Redirection,
    [property: JsonPropertyName("4xx")] long ClientError,
    [property: JsonPropertyName("5xx")] long ServerError);

/// <summary>The proxy's own error answers by status.</summary>
public sealed record ProxyErrorCounts(
    [property: JsonPropertyName("502")] long BadGateway,
    [property: JsonPropertyName("503")] long ServiceUnavailable,
    [property: JsonPropertyName("504")] long GatewayTimeout,
    long Other);

/// <summary>Latency percentiles in milliseconds of <paramref name="Requests"/> timed requests (zeros when there were none).</summary>
public sealed record LatencySummary(long Requests, double P50Ms, double P95Ms, double P99Ms);
