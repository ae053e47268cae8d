namespace Cutover.Proxy.Traffic;

/// <summary>In-flight HTTP requests and open upgraded connections (WebSockets) of one slot.</summary>
public readonly record struct TrafficCounts(long Requests, long Sockets)
{
    public bool IsIdle => Requests == 0 && Sockets == 0;
}
