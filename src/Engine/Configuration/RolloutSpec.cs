using System.Net;

namespace Cutover.Engine.Configuration;

/// <summary>apps.yaml's <c>release:</c>: a one-off container of the new image run before the new slot starts (e.g. migrations).</summary>
/// <param name="Command">The command run in the new image, with the app's env, env_file, volumes and network.</param>
/// <param name="Timeout">Past this the one-off container is killed and the deployment fails.</param>
public sealed record ReleaseSpec(IReadOnlyList<string> Command, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Value equality, including the command (records compare lists by reference).</summary>
    public bool Equals(ReleaseSpec? other) => other is not null && Timeout == other.Timeout && Command.SequenceEqual(other.Command);

    public override int GetHashCode() => HashCode.Combine(Timeout, Command.Count);
}

/// <summary>apps.yaml's <c>promotion:</c>: whether a healthy new slot takes traffic by itself or waits for a person.</summary>
public enum PromotionMode
{
    /// <summary>Today's behaviour: healthy means switched.</summary>
    Auto,

    /// <summary>Healthy means <c>paused</c> until <c>POST /api/deployments/{id}/promote</c> or abort.</summary>
    Manual,
}

/// <summary>apps.yaml's <c>preview:</c>: where the new slot answers before it is promoted.</summary>
public sealed record PreviewSpec(IPEndPoint Listen);

/// <summary>apps.yaml's <c>strategy:</c>.</summary>
public enum DeploymentStrategy
{
    /// <summary>All new requests move to the new slot at once (the default).</summary>
    BlueGreen,

    /// <summary>The new slot's share of traffic steps up through <see cref="CanarySpec.Steps"/> before the full switch.</summary>
    Canary,
}

/// <summary>One canary step: the new slot's share of new requests, held for a time or until a person promotes.</summary>
/// <param name="Weight">Percent of new requests sent to the new slot, 1-99 (100 is the switch itself).</param>
/// <param name="Pause">How long the step holds; null is <c>manual</c>: <c>paused</c> until promote.</param>
public sealed record CanaryStep(int Weight, TimeSpan? Pause);

/// <summary>apps.yaml's <c>canary:</c>.</summary>
/// <param name="Sticky">A cookie keeps each client on the slot it first got, so a user does not flip between versions.</param>
public sealed record CanarySpec(IReadOnlyList<CanaryStep> Steps, bool Sticky)
{
    /// <summary>Value equality, including the steps (records compare lists by reference).</summary>
    public bool Equals(CanarySpec? other) => other is not null && Sticky == other.Sticky && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode() => HashCode.Combine(Sticky, Steps.Count);
}

/// <summary>apps.yaml's <c>analysis:</c>: how the new slot's own traffic is judged during canary steps and the watch.</summary>
/// <param name="Interval">Each interval's traffic is judged on its own.</param>
/// <param name="MinRequests">Fewer requests than this in an interval: inconclusive (never a pass, never a failure).</param>
/// <param name="MaxErrorRate">The highest share (0-1) of 5xx answers and proxy errors that still passes.</param>
/// <param name="MaxP95">The slowest 95th-percentile latency that still passes; null: latency is not judged.</param>
public sealed record AnalysisSpec(TimeSpan Interval, int MinRequests, double MaxErrorRate, TimeSpan? MaxP95)
{
    /// <summary>What an <c>analysis:</c> section sets for the keys it leaves out: 10s, 20 requests, 5%, latency not judged.</summary>
    public static AnalysisSpec Default { get; } = new(TimeSpan.FromSeconds(10), 20, 0.05, null);
}

/// <summary>apps.yaml's <c>watch:</c>: after the full switch the old slot keeps running this long while analysis goes on.</summary>
public sealed record WatchSpec(TimeSpan Duration);
