using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;

namespace Cutover.Proxy.Forwarding;

/// <summary>Builds the one connection-pooling client that every application forwards through.</summary>
/// <remarks>
/// Settings follow YARP's direct-forwarding guidance: no proxy, redirects, decompression or cookies (the
/// backend's answer goes back untouched), and no distributed-tracing headers injected into the request.
/// No setting here cuts an exchange in progress: the pool's idle timeout and lifetime apply only to connections
/// back in the pool (an upgraded one never returns to it), the connect timeout only to connecting, and an
/// <see cref="HttpMessageInvoker"/> has no overall timeout. How long an exchange may stay silent is decided by
/// the forwarder alone.
/// </remarks>
internal static class BackendClientFactory
{
    public static HttpMessageInvoker Create(IOptions<ProxyOptions> options) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
            ConnectTimeout = options.Value.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // Slots come and go; never keep a pooled connection to a stopped container for long.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });
}
