using Microsoft.AspNetCore.Http.Features;

namespace Cutover.Proxy.Traffic;

/// <summary>
/// Wraps Kestrel's upgrade feature so the proxy learns the moment the forwarder turns a request into a tunnel.
/// </summary>
/// <remarks>
/// YARP calls <see cref="IHttpUpgradeFeature.UpgradeAsync"/> only once the backend has answered 101, which is
/// exactly when the exchange stops being an HTTP request (drain.timeout) and becomes a socket
/// (drain.websocket_timeout).
/// </remarks>
internal sealed class UpgradeTrackingFeature(IHttpUpgradeFeature inner, ExchangeLease lease) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync()
    {
        var stream = await inner.UpgradeAsync();
        lease.MarkUpgraded();
        return stream;
    }
}
