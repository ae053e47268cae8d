using Cutover.Engine.Model;
using Cutover.Engine.Persistence.Entities;

namespace Cutover.Engine.Deployments;

/// <summary>A deployment as the API, the console and the events show it.</summary>
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
    string? Metadata,
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
        record.Metadata,
        AsUtc(record.CreatedAt),
        record.FinishedAt is { } finished ? AsUtc(finished) : null,
        record.Error,
        record.Steps.OrderBy(s => s.Id).Select(s => new DeploymentStepView(s.Status, AsUtc(s.At), s.Message)).ToArray());

    private static DateTimeOffset AsUtc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>One step of a deployment's timeline.</summary>
public sealed record DeploymentStepView(DeploymentStatus Status, DateTimeOffset At, string? Message);
