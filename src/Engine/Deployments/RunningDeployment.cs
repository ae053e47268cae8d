namespace Cutover.Engine.Deployments;

/// <summary>A deployment under way: its cancel request, its point of no return (the switch) and its end.</summary>
/// <remarks>
/// Cancel and switch race each other: one lock decides which came first, so a cancel either stops the
/// deployment before any traffic reaches the new slot or is refused, never half-applied.
/// </remarks>
public sealed class RunningDeployment(long id) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _switching;

    public long Id { get; } = id;

    /// <summary>Who asked to cancel, once someone has.</summary>
    public string? CancelledBy { get; private set; }

    /// <summary>Fires when a cancel is accepted.</summary>
    public CancellationToken CancelToken => _cancel.Token;

    /// <summary>Completes when the deployment has stored its last step.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Asks to stop before the switch; false once the switch has begun.</summary>
    public bool TryCancel(string requestedBy)
    {
        lock (_gate)
        {
            if (_switching)
            {
                return false;
            }

            CancelledBy ??= requestedBy;
        }

        _cancel.Cancel();
        return true;
    }

    /// <summary>Passes the point of no return; false when a cancel came first.</summary>
    public bool TryBeginSwitch()
    {
        lock (_gate)
        {
            if (CancelledBy is not null)
            {
                return false;
            }

            _switching = true;
            return true;
        }
    }

    public void MarkEnded() => _ended.TrySetResult();

    public void Dispose() => _cancel.Dispose();
}
