using System.Text.Json;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Api.Models;

namespace Cutover.Web.Cli.Events;

/// <summary>Something the host reports as it happens, from a deployment's event stream or the events hub.</summary>
/// <remarks><see cref="Json"/> keeps the payload as sent, for <c>--json</c>.</remarks>
public abstract record LiveEvent
{
    public string Json { get; init; } = "{}";
}

/// <summary><c>deployment</c>: the whole deployment, at every step.</summary>
public sealed record DeploymentEvent(Deployment Deployment) : LiveEvent;

/// <summary><c>pull</c>: progress of an image pull (bytes, when Docker reports them).</summary>
public sealed record PullEvent(string? App, string? Image, string? Status, long? Current, long? Total) : LiveEvent;

/// <summary><c>release</c>: a line the release command printed (<paramref name="Index"/> counts from 0 over its whole output).</summary>
public sealed record ReleaseEvent(string? App, long Index, string? Line) : LiveEvent;

/// <summary><c>health</c>: a health check ran.</summary>
public sealed record HealthEvent(string? App, Slot Slot, HealthCheckResult Result) : LiveEvent;

/// <summary><c>drain</c>: what the old slot still has in flight.</summary>
public sealed record DrainEvent(string? App, Slot Slot, DrainCounts Status) : LiveEvent;

/// <summary>What a draining slot has left, and how long each kind may still take.</summary>
/// <remarks>
/// docs/api.md names these requests, sockets, requestsLeftSeconds and socketsLeftSeconds; the host (the engine's
/// DrainStatus) writes requestsLeft, socketsLeft, requestSecondsLeft and socketSecondsLeft. Both are read until
/// the two agree.
/// </remarks>
public sealed record DrainCounts(
    long? Requests,
    long? Sockets,
    double? RequestsLeftSeconds,
    double? SocketsLeftSeconds,
    long? RequestsLeft = null,
    long? SocketsLeft = null,
    double? RequestSecondsLeft = null,
    double? SocketSecondsLeft = null)
{
    public long RequestCount => Requests ?? RequestsLeft ?? 0;

    public long SocketCount => Sockets ?? SocketsLeft ?? 0;

    public double? RequestDeadlineSeconds => RequestsLeftSeconds ?? RequestSecondsLeft;

    public double? SocketDeadlineSeconds => SocketsLeftSeconds ?? SocketSecondsLeft;
}

/// <summary><c>analysis</c>: an interval of a deployment's new slot was judged (canary step or watch).</summary>
public sealed record AnalysisEvent(string? App, long DeploymentId, AnalysisLine Analysis) : LiveEvent;

/// <summary>One judged interval: the figures against the thresholds and the verdict.</summary>
public sealed record AnalysisLine(string? Phase, int Weight, Cutover.Engine.Analysis.AnalysisOutcome Outcome, long Requests, long Errors, double ErrorRate, double? P95Ms, string? Summary);

/// <summary><c>audit</c>: an entry was added to the audit trail.</summary>
public sealed record AuditEvent(long Id, DateTimeOffset At, string? Actor, string? Action, string? App, long? DeploymentId, string? Detail, string? Outcome) : LiveEvent;

/// <summary><c>config</c>: apps.yaml changed and was applied, or refused.</summary>
public sealed record ConfigEvent(string? Path, IReadOnlyList<string>? Apps, IReadOnlyList<string>? Problems, bool Accepted) : LiveEvent;

/// <summary>An event this CLI does not know yet (a newer host): shown by name, never dropped silently.</summary>
public sealed record OtherEvent(string Name, JsonElement Data) : LiveEvent;
