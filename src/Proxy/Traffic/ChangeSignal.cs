namespace Cutover.Proxy.Traffic;

/// <summary>A cheap, many-waiter "something changed" signal for the request hot path.</summary>
/// <remarks>
/// Notifying costs one volatile read when nobody waits, so every request can notify. A waiter must take
/// <see cref="NextAsync"/> before it reads the state it reacts to, or it could miss the change in between.
/// </remarks>
public sealed class ChangeSignal
{
    private TaskCompletionSource? _next;

    /// <summary>A task that completes at the first <see cref="Notify"/> after this call.</summary>
    public Task NextAsync()
    {
        var current = Volatile.Read(ref _next);
        if (current is not null)
        {
            return current.Task;
        }

        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, fresh, null) ?? fresh).Task;
    }

    public void Notify()
    {
        if (Volatile.Read(ref _next) is not null)
        {
            Interlocked.Exchange(ref _next, null)?.TrySetResult();
        }
    }
}
