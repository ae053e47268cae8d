using System.Text.Json.Serialization;
using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Api.Models;

/// <summary>The API's <c>AppStatus</c>: what serves an application, how healthy, how busy.</summary>
public sealed record AppSummary(
    string Name,
    Slot? ActiveSlot,
    string? ActiveImage,
    string? ConfiguredImage,
    string? Health,
    InFlightCounts? InFlight,
    string? Listen,
    string? ListenerError,
    long? RunningDeploymentId,
    IReadOnlyList<SlotSummary>? Slots);

/// <summary>One slot of an application.</summary>
public sealed record SlotSummary(
    Slot Slot,
    int Port,
    bool Active,
    string? ContainerId,
    string? Image,
    bool Running,
    string? Health,
    HealthCheckResult? LastCheck,
    InFlightCounts? InFlight,
    SlotTraffic? Traffic = null);

/// <summary>Requests and upgraded sockets under way.</summary>
public sealed record InFlightCounts(long Requests, long Sockets);

/// <summary>What the proxy counted for a slot (only in one app's detail).</summary>
public sealed record SlotTraffic(
    long Requests,
    RequestClasses? ByClass,
    ProxyErrors? ProxyErrors,
    long Aborted,
    LatencySummary? LastMinute,
    long BytesIn,
    long BytesOut);

/// <summary>Answers by status class.</summary>
public sealed record RequestClasses(
    [property: JsonPropertyName("1xx")] long Informational,
    [property: JsonPropertyName("2xx")] long Successful,
    [property: JsonPropertyName("3xx")] long Redirection,
    [property: JsonPropertyName("4xx")] long ClientError,
    [property: JsonPropertyName("5xx")] long ServerError);

/// <summary>The proxy's own error answers by status.</summary>
public sealed record ProxyErrors(
    [property: JsonPropertyName("502")] long BadGateway,
    [property: JsonPropertyName("503")] long ServiceUnavailable,
    [property: JsonPropertyName("504")] long GatewayTimeout,
    long Other)
{
    public long Total => BadGateway + ServiceUnavailable + GatewayTimeout + Other;
}

/// <summary>Latency percentiles in milliseconds over the last minute.</summary>
public sealed record LatencySummary(long Requests, double P50Ms, double P95Ms, double P99Ms);
