using System.Text.Json;
using Cutover.Engine.Analysis;
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
        record.Steps.OrderBy(s => s.Id).Select(s => new DeploymentStepView(s.Status, s.At.AsUtc(), s.Message)).ToArray())
    {
        CanaryStep = record.CanaryStep,
        CanaryWeight = record.CanaryWeight,
        WatchUntil = record.WatchUntil?.AsUtc(),
        Analyses = record.Analyses.OrderBy(a => a.Id).Select(AnalysisView.From).ToArray(),
    };

    /// <summary>The canary step under way (0-based), or null outside a canary.</summary>
    public int? CanaryStep { get; init; }

    /// <summary>The new slot's share of new requests in percent during a canary step; null when one slot takes all.</summary>
    public int? CanaryWeight { get; init; }

    /// <summary>When the post-switch watch ends, while it runs.</summary>
    public DateTimeOffset? WatchUntil { get; init; }

    /// <summary>Each analysis interval judged so far, oldest first.</summary>
    public IReadOnlyList<AnalysisView> Analyses { get; init; } = [];

    /// <summary>The seconds a finished deployment took, from request to its last step.</summary>
    public double? DurationSeconds => FinishedAt is { } finished ? Math.Round((finished - StartedAt).TotalSeconds, 3) : null;

    private static JsonElement? ParseMetadata(string? json) =>
        json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>One step of a deployment's timeline.</summary>
public sealed record DeploymentStepView(DeploymentStatus Status, DateTimeOffset At, string? Message);

/// <summary>One analysis interval of the new slot: its figures against the thresholds and the verdict.</summary>
/// <param name="Phase"><c>canary</c> or <c>watch</c>.</param>
/// <param name="Weight">The new slot's share of new requests in the interval, in percent.</param>
public sealed record AnalysisView(
    string Phase,
    int Weight,
    DateTimeOffset Start,
    DateTimeOffset End,
    AnalysisOutcome Outcome,
    long Requests,
    long Errors,
    double ErrorRate,
    double? P95Ms,
    string Summary)
{
    public static AnalysisView From(DeploymentAnalysis a) =>
        new(a.Phase, a.Weight, a.Start.AsUtc(), a.End.AsUtc(), a.Outcome, a.Requests, a.Errors, a.ErrorRate, a.P95Ms, a.Summary);
}

/// <summary>What a restart needs to restore a rollout: the canary step and weight, or the watch's end (stored with a transition).</summary>
public sealed record RolloutPosition(int? CanaryStep, int? CanaryWeight, DateTimeOffset? WatchUntil)
{
    /// <summary>One slot takes every new request and no watch runs.</summary>
    public static RolloutPosition None { get; } = new(null, null, null);
}
