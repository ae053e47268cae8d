using Cutover.Engine.Analysis;

namespace Cutover.Engine.Persistence.Entities;

/// <summary>One analysis interval of a deployment's new slot, judged against the app's thresholds.</summary>
public sealed class DeploymentAnalysis
{
    public long Id { get; set; }

    public long DeploymentId { get; set; }

    /// <summary>What the new slot was doing: <c>canary</c> (a step held) or <c>watch</c> (after the full switch).</summary>
    public required string Phase { get; set; }

    /// <summary>The new slot's share of traffic in the interval, in percent.</summary>
    public int Weight { get; set; }

    public DateTime Start { get; set; }

    public DateTime End { get; set; }

    public AnalysisOutcome Outcome { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public double ErrorRate { get; set; }

    public double? P95Ms { get; set; }

    public required string Summary { get; set; }
}
