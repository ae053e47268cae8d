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
    InFlightCounts? InFlight);

/// <summary>Requests and upgraded sockets under way.</summary>
public sealed record InFlightCounts(long Requests, long Sockets);
