using Cutover.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Cutover.Proxy.Traffic;

/// <summary>One exchange counted against a slot, from routing until the forwarder returns.</summary>
public sealed class ExchangeLease : IDisposable
{
    private readonly SlotTarget _target;
    private readonly HttpContext _context;
    private CancellationTokenRegistration _abortRegistration;
    private bool _upgraded;
    private bool _disposed;

    internal ExchangeLease(SlotTarget target, HttpContext context, CancellationTokenRegistration abortRegistration)
    {
        _target = target;
        _context = context;
        _abortRegistration = abortRegistration;
    }

    public SlotTarget Target => _target;

    /// <summary>The backend accepted an upgrade: from now on this exchange counts, and drains, as a socket.</summary>
    public void MarkUpgraded()
    {
        if (_upgraded || _disposed)
        {
            return;
        }

        _upgraded = true;
        _abortRegistration.Dispose();
        _abortRegistration = _target.MoveToSockets(_context);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Dispose waits for a running abort callback, so the context is never touched after the request ends.
        _abortRegistration.Dispose();
        _target.Exit(_upgraded);
    }
}
