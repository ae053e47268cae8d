namespace Cutover.Proxy.Draining;

/// <summary>How long a draining slot's HTTP requests and its upgraded connections may stay, each from the drain's start.</summary>
public sealed record DrainTimeouts(TimeSpan Requests, TimeSpan Sockets)
{
    public TimeSpan Longest => Requests > Sockets ? Requests : Sockets;
}
