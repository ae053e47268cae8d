using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Draining;

/// <summary>Waits for a slot that no longer receives traffic to empty, cutting what outlives its deadline.</summary>
/// <remarks>
/// HTTP requests and upgraded connections drain side by side against their own deadlines, both counted from
/// the start. At a deadline whatever is left of that kind is aborted; the drain then ends as soon as the
/// counters reach zero, or one grace period after the last deadline, reporting what still had not gone.
/// </remarks>
public sealed class SlotDrainer(TimeProvider time)
{
    /// <summary>How often progress is reported while nothing changes, so "time left" keeps moving.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long aborted exchanges get to unwind before the drain gives up on them.</summary>
    public static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(1);

    public async Task<DrainResult> DrainAsync(
        string app,
        SlotTarget target,
        DrainTimeouts timeouts,
        IProgress<DrainProgress>? progress,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        long requestsAborted = 0, socketsAborted = 0;
        bool requestsCut = false, socketsCut = false;

        while (true)
        {
            // Take the signal before reading the counters so that no change can slip in between.
            var changed = target.Changed.NextAsync();
            var elapsed = time.GetElapsedTime(started);

            if (!requestsCut && elapsed >= timeouts.Requests)
            {
                requestsCut = true;
                requestsAborted = target.Counts.Requests > 0 ? target.AbortRequests() : 0;
            }

            if (!socketsCut && elapsed >= timeouts.Sockets)
            {
                socketsCut = true;
                socketsAborted = target.Counts.Sockets > 0 ? target.AbortSockets() : 0;
            }

            var counts = target.Counts;
            progress?.Report(new DrainProgress(
                app,
                target.Slot,
                counts.Requests,
                counts.Sockets,
                Remaining(timeouts.Requests, elapsed),
                Remaining(timeouts.Sockets, elapsed),
                elapsed));

            var giveUpAt = timeouts.Longest + AbortGrace;
            if (counts.IsIdle || elapsed >= giveUpAt)
            {
                var stragglers = counts.Requests + counts.Sockets;
                return new DrainResult(app, target.Slot, requestsAborted, socketsAborted, stragglers, elapsed);
            }

            var wake = ProgressInterval;
            wake = Min(wake, requestsCut ? giveUpAt - elapsed : timeouts.Requests - elapsed);
            wake = Min(wake, socketsCut ? giveUpAt - elapsed : timeouts.Sockets - elapsed);
            await WaitAsync(changed, wake, cancellationToken);
        }
    }

    private async Task WaitAsync(Task changed, TimeSpan wake, CancellationToken cancellationToken)
    {
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wake, time, delayCancellation.Token);
        await Task.WhenAny(changed, delay);
        // Stop the timer when the change won, so a busy slot does not pile up pending delays.
        await delayCancellation.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TimeSpan Remaining(TimeSpan deadline, TimeSpan elapsed) =>
        deadline > elapsed ? deadline - elapsed : TimeSpan.Zero;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
