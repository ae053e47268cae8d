using Cutover.Proxy.Forwarding;
using Cutover.Proxy.Listeners;
using Cutover.Proxy.Telemetry;
using Cutover.Proxy.Traffic;

namespace Cutover.Proxy.Routing;

/// <summary>One application in the proxy: its config, its two slot targets, its listeners and the live route.</summary>
internal sealed class ProxiedApp
{
    private readonly ChangeSignal _routerChanged;
    private RouteSnapshot _route = RouteSnapshot.None;
    private volatile Slot _previewSlot;

    public ProxiedApp(AppProxyConfig config, ChangeSignal routerChanged, AppTelemetry telemetry)
    {
        _routerChanged = routerChanged;
        Config = config;
        Telemetry = telemetry;
        Headers = new ForwardedHeadersTransformer(config.TrustedProxies);
        Blue = new SlotTarget(Slot.Blue, config.BluePort, routerChanged);
        Green = new SlotTarget(Slot.Green, config.GreenPort, routerChanged);
        Cookie = new StickyCookie(config.App);
    }

    public AppProxyConfig Config { get; private set; }

    /// <summary>The app's traffic figures; they outlive config changes, slot ports included.</summary>
    public AppTelemetry Telemetry { get; }

    /// <summary>Sets the forwarding headers by the config's trusted proxies; replaced with the config.</summary>
    public ForwardedHeadersTransformer Headers { get; private set; }

    public SlotTarget Blue { get; private set; }

    public SlotTarget Green { get; private set; }

    public AppListener? Listener { get; set; }

    public string? ListenerError { get; set; }

    /// <summary>The preview listener, which serves <see cref="PreviewSlot"/> only, apart from the route.</summary>
    public AppListener? PreviewListener { get; set; }

    /// <summary>The address the preview listener was asked for (its port may be 0).</summary>
    public System.Net.IPEndPoint? PreviewRequested { get; set; }

    /// <summary>The slot the preview listener forwards every request to.</summary>
    public Slot PreviewSlot
    {
        get => _previewSlot;
        set => _previewSlot = value;
    }

    /// <summary>The app's sticky cookie, used while a sticky split is routed.</summary>
    public StickyCookie Cookie { get; }

    public RouteSnapshot Route => Volatile.Read(ref _route);

    public SlotTarget TargetOf(Slot slot) => slot == Slot.Blue ? Blue : Green;

    /// <summary>Points new requests at <paramref name="slot"/>, or at nothing (503) when it is null.</summary>
    /// <remarks>
    /// A full-fence exchange: together with the re-check after <see cref="SlotTarget.Enter"/> in the
    /// forwarder, a request either sees the new route or is counted on the old target before a drain reads it.
    /// </remarks>
    public void Switch(Slot? slot)
    {
        Interlocked.Exchange(ref _route, slot is { } s ? new RouteSnapshot(TargetOf(s)) : RouteSnapshot.None);
        _routerChanged.Notify();
    }

    /// <summary>Shares new requests between the two slots until the next switch or split.</summary>
    /// <remarks>Published like <see cref="Switch"/>; a new split restarts the share's count.</remarks>
    /// <exception cref="ArgumentException">Both sides are the same slot, or the share is not 0-100.</exception>
    public void Split(RouteSplit split)
    {
        if (split.Stable == split.Canary)
        {
            throw new ArgumentException($"A split needs two different slots; both are {split.Stable}.", nameof(split));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(split.CanaryPercent, nameof(split));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(split.CanaryPercent, 100, nameof(split));
        var stable = TargetOf(split.Stable);
        var targets = new SplitTargets(split, stable, TargetOf(split.Canary), split.Sticky ? Cookie : null);
        Interlocked.Exchange(ref _route, new RouteSnapshot(stable) { Split = targets });
        _routerChanged.Notify();
    }

    /// <summary>Takes a new config; a slot whose port changed gets a fresh target (in-flight exchanges finish on the old one).</summary>
    /// <remarks>The route (a slot or a split) is kept and re-pointed at the new targets.</remarks>
    public void Reconfigure(AppProxyConfig config)
    {
        var route = Route;
        var active = route.Active?.Slot;
        if (config.BluePort != Blue.Port)
        {
            Blue = new SlotTarget(Slot.Blue, config.BluePort, _routerChanged);
        }

        if (config.GreenPort != Green.Port)
        {
            Green = new SlotTarget(Slot.Green, config.GreenPort, _routerChanged);
        }

        // A request between these two lines may pair the new config with the old headers: either is a whole, valid answer.
        Headers = ReferenceEquals(config.TrustedProxies, Headers.Trusted) ? Headers : new ForwardedHeadersTransformer(config.TrustedProxies);
        Config = config;
        if (route.Split is { } split)
        {
            Split(split.Split);
        }
        else
        {
            Switch(active);
        }
    }
}
