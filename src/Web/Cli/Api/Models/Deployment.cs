using System.Text.Json;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Api.Models;

/// <summary>The API's <c>DeploymentView</c>, as the CLI reads it.</summary>
/// <remarks>
/// The CLI's own record rather than the engine's: it reads what the contract (docs/api.md) promises and
/// tolerates fields a newer or older host adds or lacks; only the enums are shared, they are the vocabulary.
/// </remarks>
public sealed record Deployment(
    long Id,
    string App,
    string Image,
    DeploymentKind Kind,
    Slot? Slot,
    Slot? PreviousSlot,
    string? PreviousImage,
    DeploymentStatus Status,
    string? RequestedBy,
    string? Reason,
    JsonElement? Metadata,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<DeploymentStep>? Steps)
{
    public bool IsFinished => Status.IsTerminal();

    /// <summary>From request to end, or until <paramref name="now"/> while it runs.</summary>
    public TimeSpan? Duration(DateTimeOffset now) => StartedAt is { } started ? (FinishedAt ?? now) - started : null;
}

/// <summary>One step of a deployment's timeline.</summary>
public sealed record DeploymentStep(DeploymentStatus Status, DateTimeOffset At, string? Message);

/// <summary>A page of deployment history, newest first.</summary>
public sealed record DeploymentPage(IReadOnlyList<Deployment> Items, int Total, int Skip, int Take);
