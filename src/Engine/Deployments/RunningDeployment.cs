namespace Cutover.Engine.Deployments;

/// <summary>A deployment under way: its cancel, abort and promote requests, its point of no return and its end.</summary>
/// <remarks>
/// A request and the runner's next move race each other: one lock decides which came first, so a cancel or an
/// abort is either applied whole (traffic back on the old slot, the new one stopped) or refused, never half-applied,
/// and a promotion is taken only while the runner waits for one.
/// </remarks>
public sealed class RunningDeployment(long id) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunPhase _phase = RunPhase.Preparing;
    private TaskCompletionSource<Promotion>? _promotion;

    public long Id { get; } = id;

    /// <summary>Who asked to cancel or abort, once someone has.</summary>
    public string? CancelledBy { get; private set; }

    /// <summary>Where the deployment was when the cancel or abort was accepted.</summary>
    public RunPhase StoppedIn { get; private set; }

    /// <summary>Fires when a cancel or an abort is accepted.</summary>
    public CancellationToken CancelToken => _cancel.Token;

    /// <summary>Completes when the deployment has stored its last step.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Where the deployment is now.</summary>
    public RunPhase Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <summary>Asks to stop before the switch; false once the switch has begun.</summary>
    public bool TryCancel(string requestedBy) => TryStop(requestedBy, RunPhase.Preparing, RunPhase.Gated) is null;

    /// <summary>Asks to stop at any point before the old slot is stopped: traffic goes back to it.</summary>
    /// <returns>Null when accepted, or why not.</returns>
    public string? TryAbort(string requestedBy) => TryStop(requestedBy, RunPhase.Preparing, RunPhase.Gated, RunPhase.Switched);

    /// <summary>Traffic may reach the new slot from now on (preview, paused, canary): a cancel or abort rolls back.</summary>
    public void EnterGate() => Move(RunPhase.Preparing, RunPhase.Gated);

    /// <summary>Passes the point of no return; false when a cancel came first.</summary>
    public bool TryBeginSwitch()
    {
        lock (_gate)
        {
            if (CancelledBy is not null)
            {
                return false;
            }

            _phase = RunPhase.Switching;
            _promotion?.TrySetCanceled();
            _promotion = null;
            return true;
        }
    }

    /// <summary>The new slot serves and the old one still runs: an abort switches back.</summary>
    public void MarkSwitched() => Move(RunPhase.Switching, RunPhase.Switched);

    /// <summary>The old slot is about to be stopped; false when an abort came first.</summary>
    public bool TryBeginFinish()
    {
        lock (_gate)
        {
            if (CancelledBy is not null)
            {
                return false;
            }

            _phase = RunPhase.Finishing;
            return true;
        }
    }

    /// <summary>The runner waits for a person (or for a hold to end): the next accepted promotion completes the task.</summary>
    public Task<Promotion> AwaitPromotion()
    {
        lock (_gate)
        {
            _promotion = new TaskCompletionSource<Promotion>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _promotion.Task;
        }
    }

    /// <summary>The runner no longer waits (the hold ended, or analysis failed): a promotion is refused until it waits again.</summary>
    public void StopAwaitingPromotion()
    {
        lock (_gate)
        {
            _promotion = null;
        }
    }

    /// <summary>Promotes to the next step, or to 100% with <paramref name="full"/>.</summary>
    /// <returns>Null when accepted, or why not.</returns>
    public string? TryPromote(string requestedBy, bool full)
    {
        lock (_gate)
        {
            if (CancelledBy is not null)
            {
                return $"Deployment {Id} is being stopped (requested by {CancelledBy}).";
            }

            if (_promotion is null)
            {
                return _phase switch
                {
                    RunPhase.Preparing => $"Deployment {Id} is not paused: its new slot is not healthy yet.",
                    RunPhase.Gated => $"Deployment {Id} is between steps; try again in a moment.",
                    _ => $"Deployment {Id} has already switched all traffic to its new slot; nothing is left to promote.",
                };
            }

            _promotion.TrySetResult(new Promotion(requestedBy, full));
            _promotion = null;
            return null;
        }
    }

    public void MarkEnded() => _ended.TrySetResult();

    public void Dispose() => _cancel.Dispose();

    private string? TryStop(string requestedBy, params RunPhase[] allowed)
    {
        lock (_gate)
        {
            if (CancelledBy is not null)
            {
                return null;
            }

            if (Array.IndexOf(allowed, _phase) < 0)
            {
                return _phase switch
                {
                    RunPhase.Switching => $"Deployment {Id} is switching traffic to its new slot right now; try again in a moment.",
                    RunPhase.Switched => $"Deployment {Id} has already switched traffic to its new slot; abort it (traffic goes back at once) or roll back.",
                    _ => $"Deployment {Id} is stopping its old slot and completing; roll back instead.",
                };
            }

            CancelledBy = requestedBy;
            StoppedIn = _phase;
            _promotion?.TrySetCanceled();
            _promotion = null;
        }

        _cancel.Cancel();
        return null;
    }

    private void Move(RunPhase from, RunPhase to)
    {
        lock (_gate)
        {
            if (_phase == from)
            {
                _phase = to;
            }
        }
    }
}

/// <summary>Where a running deployment is, as far as cancel, abort and promote care.</summary>
public enum RunPhase
{
    /// <summary>Pulling, releasing, starting, health-checking: no traffic has reached the new slot; a stop is a cancel.</summary>
    Preparing,

    /// <summary>Healthy and held back (preview, paused, canary): a stop rolls back.</summary>
    Gated,

    /// <summary>The switch itself, a few milliseconds: requests wait for it to finish.</summary>
    Switching,

    /// <summary>The new slot serves; the old one still runs (draining, watching): an abort switches back.</summary>
    Switched,

    /// <summary>The old slot is being stopped: too late to switch back without a cold start.</summary>
    Finishing,
}

/// <summary>A person's promotion: to the next step, or to 100%.</summary>
public sealed record Promotion(string RequestedBy, bool Full);
