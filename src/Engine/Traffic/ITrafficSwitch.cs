using System.Net;
using System.Text.Json.Serialization;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Engine.Traffic;

/// <summary>The reverse proxy as the engine drives it; implemented over Cutover.Proxy by the host.</summary>
public interface ITrafficSwitch
{
    /// <summary>Makes sure the application is served on <paramref name="listen"/> with these slot ports and proxy settings.</summary>
    /// <returns>Null when listening, or why the listener could not bind (that app only).</returns>
    Task<string?> ServeAsync(string app, IPEndPoint listen, SlotPorts ports, ProxySpec proxy, CancellationToken cancellationToken);

    /// <summary>New requests go to <paramref name="slot"/> from now on; null answers 503.</summary>
    void Route(string app, Slot? slot);

    /// <summary>New requests are shared between two slots (a canary step) until the next <see cref="Route"/> or split.</summary>
    void Split(string app, TrafficSplit split);

    /// <summary>Serves one slot on a listener of its own (the preview), apart from production traffic.</summary>
    /// <returns>Null when listening, or why the listener could not bind.</returns>
    Task<string?> PreviewAsync(string app, IPEndPoint listen, Slot slot, CancellationToken cancellationToken);

    /// <summary>Closes the app's preview listener, if it has one.</summary>
    Task StopPreviewAsync(string app, CancellationToken cancellationToken);

    /// <summary>While a notice is set, the app's listener answers 503 with it (Retry-After and a short page), whatever slot is routed; null lifts it.</summary>
    void SetMaintenance(string app, MaintenanceNotice? notice);

    /// <summary>Waits for a slot that no longer receives traffic to empty, cutting what outlives the drain timeouts.</summary>
    Task<DrainOutcome> DrainAsync(string app, Slot slot, DrainSpec drain, IProgress<DrainStatus>? progress, CancellationToken cancellationToken);

    /// <summary>Stops the application's listener.</summary>
    Task StopServingAsync(string app, CancellationToken cancellationToken);

    /// <summary>In-flight requests and open sockets per slot, or null when the app is not served.</summary>
    AppTraffic? GetTraffic(string app);

    /// <summary>The proxy's traffic figures per slot (answers, its own errors, latencies, bytes), or null when the app is not served.</summary>
    TrafficFigures? GetFigures(string app);
}

/// <summary>A share of new requests between the serving slot and the new one.</summary>
/// <param name="Stable">The slot that served before the deployment.</param>
/// <param name="Canary">The new slot.</param>
/// <param name="CanaryPercent">The new slot's share of new requests, 0-100.</param>
/// <param name="Sticky">A cookie keeps each client on the slot it first got.</param>
public sealed record TrafficSplit(Slot Stable, Slot Canary, int CanaryPercent, bool Sticky);

/// <summary>What an app in maintenance answers: 503, this message and Retry-After.</summary>
/// <param name="Message">A short text for the page; null: a generic one.</param>
/// <param name="RetryAfter">Sent as Retry-After (whole seconds); null: no header.</param>
public sealed record MaintenanceNotice(string? Message, TimeSpan? RetryAfter);

/// <summary>A drain under way: what is left and the time before each deadline.</summary>
public sealed record DrainStatus(
    long RequestsLeft,
    long SocketsLeft,
    [property: JsonIgnore] TimeSpan RequestTimeLeft,
    [property: JsonIgnore] TimeSpan SocketTimeLeft,
    [property: JsonIgnore] TimeSpan Elapsed)
{
    // Seconds are what scripts and browsers read without a TimeSpan parser.
    public double RequestSecondsLeft => Math.Round(RequestTimeLeft.TotalSeconds, 2);

    public double SocketSecondsLeft => Math.Round(SocketTimeLeft.TotalSeconds, 2);

    public double ElapsedSeconds => Math.Round(Elapsed.TotalSeconds, 2);
}

/// <summary>How a drain ended.</summary>
public sealed record DrainOutcome(long RequestsAborted, long SocketsAborted, long Stragglers, TimeSpan Elapsed)
{
    public bool Clean => RequestsAborted == 0 && SocketsAborted == 0 && Stragglers == 0;

    public override string ToString() => Clean
        ? $"drained cleanly in {Elapsed.TotalSeconds:0.0}s"
        : $"drained in {Elapsed.TotalSeconds:0.0}s, aborted {Model.Quantity.Of(RequestsAborted, "request")} and {Model.Quantity.Of(SocketsAborted, "socket")}"
          + (Stragglers > 0 ? $", {Stragglers} still open" : string.Empty);
}

/// <summary>In-flight requests and open upgraded connections of one slot.</summary>
public readonly record struct InFlight(long Requests, long Sockets);

/// <summary>The proxy's view of one application.</summary>
/// <param name="Ports">The slot ports the proxy forwards to.</param>
/// <param name="ActiveSlot">The routed slot; during a split, the stable one.</param>
public sealed record AppTraffic(string? Listening, string? ListenerError, Slot? ActiveSlot, SlotPorts Ports, InFlight Blue, InFlight Green)
{
    /// <summary>The share of new requests between the slots, while a canary step routes one.</summary>
    public TrafficSplit? Split { get; init; }

    /// <summary>The preview listener's address, while one is open.</summary>
    public string? Preview { get; init; }

    public InFlight Of(Slot slot) => slot == Slot.Blue ? Blue : Green;
}
