using System.Net;
using Cutover.Proxy.Forwarding;

namespace Cutover.Proxy.Routing;

/// <summary>What the proxy needs to know about one application: where to listen, the two slot ports, how long a stream may idle and whom to believe about the client.</summary>
/// <remarks>
/// Backends are named by port only: the proxy always reaches them on 127.0.0.1, so a container's bridge
/// address can never leak into routing.
/// </remarks>
/// <param name="IdleTimeout">
/// How long a WebSocket or event stream may go without a byte either way before it is closed; null never closes
/// it for idling (drains still cut it at their deadlines).
/// </param>
public sealed record AppProxyConfig(string App, IPEndPoint Listen, int BluePort, int GreenPort, TimeSpan? IdleTimeout = null)
{
    /// <summary>The peers whose X-Forwarded-*, Forwarded and X-Real-IP headers are kept; nobody's by default.</summary>
    public TrustedProxies TrustedProxies { get; init; } = TrustedProxies.None;

    public int PortOf(Slot slot) => slot == Slot.Blue ? BluePort : GreenPort;
}
