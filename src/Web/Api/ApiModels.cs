using System.Text.Json.Serialization;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;

namespace Cutover.Web.Api;

/// <summary>The body of a deployment request.</summary>
public sealed record DeployBody(string? Image, string? Reason);

/// <summary>The answer to an accepted deployment request.</summary>
public sealed record DeploymentAccepted(long Id, string App, string Image, DeploymentStatus Status, string Url);

/// <summary>A deployment with its timeline, as <c>GET /api/deployments/{id}</c> returns it.</summary>
public sealed record DeploymentResponse(
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
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<DeploymentStepView> Steps)
{
    public static DeploymentResponse From(DeploymentView view) => new(
        view.Id, view.App, view.Image, view.Kind, view.Slot, view.PreviousSlot, view.PreviousImage, view.Status,
        view.RequestedBy, view.Reason, view.CreatedAt, view.FinishedAt, view.Error, view.Steps);
}
