using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Engine.Health;

/// <summary>Checks a freshly started slot until it is healthy <c>healthy_after</c> times in a row, or its deadline passes.</summary>
public sealed class HealthGate(IHealthProbe probe, HealthRecorder recorder, TimeProvider time)
{
    /// <param name="isAlive">Asked after each failed check: a reason when the container is gone, so the gate gives up early.</param>
    public async Task<HealthVerdict> WaitUntilHealthyAsync(
        string app,
        Slot slot,
        int port,
        HealthSpec spec,
        long deploymentId,
        Func<CancellationToken, Task<string?>>? isAlive,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (spec.StartGrace > TimeSpan.Zero)
        {
            await Task.Delay(spec.StartGrace, time, cancellationToken);
        }

        var consecutive = 0;
        var checks = 0;
        HealthResult? last = null;
        while (true)
        {
            last = await probe.CheckAsync(port, spec, cancellationToken);
            checks++;
            await recorder.RecordAsync(app, slot, last, deploymentId, cancellationToken);
            consecutive = last.Healthy ? consecutive + 1 : 0;
            if (consecutive >= spec.HealthyAfter)
            {
                return new HealthVerdict(true, checks, last, time.GetElapsedTime(started), null);
            }

            if (!last.Healthy && isAlive is not null && await isAlive(cancellationToken) is { } death)
            {
                return new HealthVerdict(false, checks, last, time.GetElapsedTime(started), death);
            }

            var remaining = spec.Deadline - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                var why = $"not healthy within the {spec.Deadline.TotalSeconds:0.#}s deadline after {checks} checks; last: {last}";
                return new HealthVerdict(false, checks, last, time.GetElapsedTime(started), why);
            }

            await Task.Delay(spec.Interval < remaining ? spec.Interval : remaining, time, cancellationToken);
        }
    }
}

/// <summary>The outcome of a health gate.</summary>
/// <param name="Reason">Why it failed, for the deployment's error; null when healthy.</param>
public sealed record HealthVerdict(bool Healthy, int Checks, HealthResult? Last, TimeSpan Elapsed, string? Reason);
