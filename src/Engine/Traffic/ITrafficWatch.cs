namespace Cutover.Engine.Traffic;

/// <summary>The proxy's traffic as it changes, pushed rather than sampled; implemented over Cutover.Proxy by the host.</summary>
public interface ITrafficWatch
{
    /// <summary>Every served application's traffic, then an application again each time it changes, until cancelled.</summary>
    IAsyncEnumerable<AppTrafficChange> WatchAsync(CancellationToken cancellationToken);

    /// <summary>Each served application's traffic series each time one of its windows closes, until cancelled.</summary>
    IAsyncEnumerable<AppSeriesChange> WatchSeriesAsync(CancellationToken cancellationToken);
}

/// <summary>An application's traffic after it changed.</summary>
public sealed record AppTrafficChange(string App, AppTraffic Traffic);

/// <summary>An application's traffic series after a window closed.</summary>
public sealed record AppSeriesChange(string App, TrafficSeries Series);
