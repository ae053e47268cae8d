using Cutover.Proxy.Routing;

namespace Cutover.Proxy.Draining;

/// <summary>What is left of a drain: exchanges still open and the time before each deadline.</summary>
public sealed record DrainProgress(
    string App,
    Slot Slot,
    long RequestsLeft,
    long SocketsLeft,
    TimeSpan RequestTimeLeft,
    TimeSpan SocketTimeLeft,
    TimeSpan Elapsed);
