using System.Text.Json;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;

namespace Cutover.Engine.Deployments;

/// <summary>A deployment as the API, the console and the events show it.</summary>
/// <param name="Metadata">The requester's free-form JSON object, e.g. s3dock's git hash and promoted_by.</param>
/// <param name="StartedAt">When it was requested (and queued).</param>
public sealed record DeploymentView(
    long Id,
    string App,
    string Image,
    DeploymentKind Kind,
    Slot Slot,
    Slot? PreviousSlot,
    string? PreviousImage,
    DeploymentStatus Status,
    string RequestedBy,
    string? Reason,
    JsonElement? Metadata,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<DeploymentStepView> Steps)
{
    public static DeploymentView From(DeploymentRecord record) => new(
        record.Id,
        record.App,
        record.Image,
        record.Kind,
        record.Slot,
        record.PreviousSlot,
        record.PreviousImage,
        record.Status,
        record.RequestedBy,
        record.Reason,
        ParseMetadata(record.Metadata),
        record.CreatedAt.AsUtc(),
        record.FinishedAt is { } finished ? finished.AsUtc() : null,
        record.Error,
        record.Steps.OrderBy(s => s.Id).Select(s => new DeploymentStepView(s.Status, s.At.AsUtc(), s.Message)).ToArray());

    /// <summary>The seconds a finished deployment took, from request to its last step.</summary>
    public double? DurationSeconds => FinishedAt is { } finished ? Math.Round((finished - StartedAt).TotalSeconds, 3) : null;

    private static JsonElement? ParseMetadata(string? json) =>
        json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>One step of a deployment's timeline.</summary>
public sealed record DeploymentStepView(DeploymentStatus Status, DateTimeOffset At, string? Message);
