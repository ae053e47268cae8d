using Cutover.Proxy.Traffic;
using Microsoft.AspNetCore.Http;

namespace Cutover.Proxy.Routing;

/// <summary>One slot's backend as the proxy sees it: its address and the exchanges in flight to it.</summary>
/// <remarks>
/// Counters live here, beside the immutable <see cref="RouteSnapshot"/> that points at a target, the way
/// YARP keeps a destination's concurrency in its mutable state object rather than in its config.
/// Aborting works by generations: each exchange registers on the current abort source, and
/// <see cref="AbortRequests"/> swaps the source before cancelling it, so only exchanges that were already
/// running are cut.
/// </remarks>
public sealed class SlotTarget
{
    private readonly ChangeSignal _changed = new();
    private readonly ChangeSignal _routerChanged;
    private long _requests;
    private long _sockets;
    private CancellationTokenSource _requestAbort = new();
    private CancellationTokenSource _socketAbort = new();

    internal SlotTarget(Slot slot, int port, ChangeSignal routerChanged)
    {
        Slot = slot;
        Port = port;
        DestinationPrefix = $"http://127.0.0.1:{port}/";
        _routerChanged = routerChanged;
    }

    public Slot Slot { get; }

    public int Port { get; }

    public string DestinationPrefix { get; }

    public TrafficCounts Counts => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _sockets));

    /// <summary>Signalled whenever a count of this target changes (the router's own signal is told too).</summary>
    public ChangeSignal Changed => _changed;

    /// <summary>Counts an exchange as in flight until the lease is disposed.</summary>
    public ExchangeLease Enter(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var registration = Volatile.Read(ref _requestAbort).Token.UnsafeRegister(AbortContext, context);
        NotifyChanged();
        return new ExchangeLease(this, context, registration);
    }

    /// <summary>Aborts every HTTP exchange in flight now; returns how many there were.</summary>
    public long AbortRequests() => Abort(ref _requestAbort, ref _requests);

    /// <summary>Aborts every upgraded connection open now; returns how many there were.</summary>
    public long AbortSockets() => Abort(ref _socketAbort, ref _sockets);

    internal CancellationTokenRegistration MoveToSockets(HttpContext context)
    {
        Interlocked.Increment(ref _sockets);
        Interlocked.Decrement(ref _requests);
        var registration = Volatile.Read(ref _socketAbort).Token.UnsafeRegister(AbortContext, context);
        NotifyChanged();
        return registration;
    }

    internal void Exit(bool upgraded)
    {
        Interlocked.Decrement(ref (upgraded ? ref _sockets : ref _requests));
        NotifyChanged();
    }

    private void NotifyChanged()
    {
        _changed.Notify();
        _routerChanged.Notify();
    }

    private static long Abort(ref CancellationTokenSource source, ref long counter)
    {
        var running = Interlocked.Read(ref counter);
        var expired = Interlocked.Exchange(ref source, new CancellationTokenSource());
        expired.Cancel();
        return running;
    }

    private static void AbortContext(object? state) => ((HttpContext)state!).Abort();
}
