using System.Globalization;
using System.Net;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Traffic;

namespace Cutover.Web.Components.AppDetail;

/// <summary>A rollout as the app page words it: its step, the new slot's weight, the preview's address, what promote and abort will do.</summary>
public static class RolloutText
{
    /// <summary>"step 2 of 4: 25%", or null outside a canary step (or when apps.yaml no longer lists that step).</summary>
    public static string? Step(DeploymentView deployment, AppSpec spec) =>
        deployment.CanaryStep is { } step && spec.Canary is { } canary && step >= 0 && step < canary.Steps.Count
            ? string.Create(CultureInfo.InvariantCulture, $"step {step + 1} of {canary.Steps.Count}: {canary.Steps[step].Weight}%")
            + (canary.Steps[step].Pause is { } pause ? $", holds {Duration(pause)}" : ", waits for promote")
            : null;

    /// <summary>The new slot's share of new requests now, in percent; the proxy's split first, as it moves before the stored step.</summary>
    public static int? Weight(DeploymentView deployment, TrafficSplit? split) =>
        split is { } s && s.Canary == deployment.Slot ? s.CanaryPercent
        : deployment.CanaryWeight is { } weight ? weight
        : deployment.Status switch
        {
            DeploymentStatus.Paused => 0,
            DeploymentStatus.Switching or DeploymentStatus.Draining or DeploymentStatus.Watching => 100,
            _ => null,
        };

    /// <summary>The preview listener as a browser reaches it: a wildcard address is this host's loopback.</summary>
    public static string PreviewUrl(IPEndPoint listen)
    {
        var host = listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : listen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{listen.Address}]"
            : listen.Address.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{listen.Port}");
    }

    /// <summary>What "Promote" does from where the deployment stands: the next canary step, or the full switch.</summary>
    public static string Promote(DeploymentView deployment, AppSpec? spec)
    {
        var next = deployment.CanaryStep is { } step ? step + 1 : deployment.Status == DeploymentStatus.Paused && deployment.CanaryWeight is null ? 0 : int.MaxValue;
        return spec?.Strategy == DeploymentStrategy.Canary && spec.Canary is { } canary && next < canary.Steps.Count
            ? $"Deployment #{deployment.Id} moves to canary step {next + 1} of {canary.Steps.Count}: {canary.Steps[next].Weight}% of new requests go to {deployment.Slot.Name()} ({deployment.Image})."
            : PromoteFull(deployment, spec);
    }

    /// <summary>What "Promote to 100%" does: every new request to the new slot, then the drain (and the watch, if apps.yaml has one).</summary>
    public static string PromoteFull(DeploymentView deployment, AppSpec? spec)
    {
        var old = Old(deployment).Name();
        var then = spec?.Watch is { } watch
            ? $"{old} is drained and kept running for {Duration(watch.Duration)} while the new one is watched."
            : $"{old} is drained and stopped.";
        return $"All new requests go to {deployment.Slot.Name()} ({deployment.Image}) at once; {then}";
    }

    /// <summary>What "Abort" does: before any traffic reached the new slot it only stops it; after, traffic goes back at once.</summary>
    public static string Abort(DeploymentView deployment, string app) => deployment.Status switch
    {
        DeploymentStatus.Paused or DeploymentStatus.Canary or DeploymentStatus.Switching or DeploymentStatus.Draining or DeploymentStatus.Watching =>
            $"All new requests go back to {Old(deployment).Name()} at once; {deployment.Slot.Name()} ({deployment.Image}) is stopped and deployment #{deployment.Id} ends rolled_back.",
        _ => $"Deployment #{deployment.Id} stops before any traffic reached {deployment.Slot.Name()}: its container is stopped and {app} keeps serving as now.",
    };

    /// <summary>"4m 05s", "45s": a duration as an operator reads a countdown.</summary>
    public static string Duration(TimeSpan span)
    {
        var left = span < TimeSpan.Zero ? TimeSpan.Zero : span;
        return left.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalMinutes}m {left.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{left.Seconds}s");
    }

    private static Slot Old(DeploymentView deployment) => deployment.PreviousSlot ?? deployment.Slot.Other();
}
