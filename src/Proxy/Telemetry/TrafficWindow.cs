namespace Cutover.Proxy.Telemetry;

/// <summary>What one slot served during one 10-second window: requests, errors and their latencies.</summary>
/// <remarks>Fields, not properties: the request path increments them in place with <see cref="Interlocked"/>.</remarks>
internal sealed class TrafficWindow(long epoch)
{
    /// <summary>The window's number: its start divided by its width, on the monotonic clock.</summary>
    public readonly long Epoch = epoch;

    public readonly int[] Latency = new int[LatencyBuckets.Count];

    public int Requests;

    /// <summary>Answers of 500 and above, the backend's and the proxy's own.</summary>
    public int Errors;
}
