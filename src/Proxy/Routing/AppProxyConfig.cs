using System.Net;

namespace Cutover.Proxy.Routing;

/// <summary>What the proxy needs to know about one application: where to listen and the two slot ports.</summary>
/// <remarks>
/// Backends are named by port only: the proxy always reaches them on 127.0.0.1, so a container's bridge
/// address can never leak into routing.
/// </remarks>
public sealed record AppProxyConfig(string App, IPEndPoint Listen, int BluePort, int GreenPort)
{
    public int PortOf(Slot slot) => slot == Slot.Blue ? BluePort : GreenPort;
}
