using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Draining;

/// <summary>How a drain ended: how many exchanges were cut at their deadline, and any that outlived even that.</summary>
/// <param name="Stragglers">Exchanges still counted a grace period after being aborted; zero unless something is wrong.</param>
public sealed record DrainResult(
    string App,
    Slot Slot,
    long RequestsAborted,
    long SocketsAborted,
    long Stragglers,
    TimeSpan Elapsed)
{
    public bool Clean => RequestsAborted == 0 && SocketsAborted == 0 && Stragglers == 0;
}
