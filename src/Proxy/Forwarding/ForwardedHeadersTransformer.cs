using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Cutover.Proxy.Forwarding;

/// <summary>
/// Copies the request as it came (YARP's default keeps Host, cookies and every other header) and sets the
/// forwarding headers a backend needs to see its real client, believing the client's own only from a trusted proxy.
/// </summary>
/// <remarks>
/// A backend believes X-Real-IP, X-Forwarded-For/Proto/Host and Forwarded: for rate limits, audit logs, "secure"
/// cookies and absolute links. So, as nginx's realip module (set_real_ip_from) and haproxy's trusted sources do,
/// only the connection's peer decides whether they are kept:
/// <list type="bullet">
/// <item>A peer in the app's trusted_proxies (the operator's TLS terminator) knows the real client, scheme and host:
/// what it set is kept, what it did not set is added, and X-Forwarded-For is appended to (the chain grows by one
/// hop, nginx's $proxy_add_x_forwarded_for), so a backend walking the chain from the right stops at the first
/// address it does not trust.</item>
/// <item>Any other peer is the client itself, and whatever it says about itself is made up: X-Forwarded-For and
/// X-Real-IP become the peer's address alone, X-Forwarded-Proto the listener's scheme, X-Forwarded-Host the Host
/// it asked for. Every other X-Forwarded-* (Port, Prefix, Ssl, ...) and RFC 7239's Forwarded are dropped rather
/// than rewritten: Cutover does not speak them, and a backend that reads them must not get the client's word for
/// it. Appending to a chain the client started would leave its invented hops for the backend to believe.</item>
/// </list>
/// One instance per app's trusted set; it holds no per-request state.
/// </remarks>
internal sealed class ForwardedHeadersTransformer(TrustedProxies trusted) : HttpTransformer
{
    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";
    private const string ForwardedPrefix = "X-Forwarded-";
    private const string Forwarded = "Forwarded";
    private const string RealIp = "X-Real-IP";

    public TrustedProxies Trusted => trusted;

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext,
        HttpRequestMessage proxyRequest,
        string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        var request = httpContext.Request;
        var headers = proxyRequest.Headers;
        var peer = httpContext.Connection.RemoteIpAddress;
        // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; backends expect them as nginx writes them.
        var client = peer is null ? "unknown" : (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString();
        var host = request.Host.Value ?? string.Empty;

        if (trusted.Contains(peer))
        {
            var chain = request.Headers[ForwardedFor];
            headers.Remove(ForwardedFor);
            headers.TryAddWithoutValidation(ForwardedFor, chain.Count == 0 ? client : $"{string.Join(", ", chain.ToArray())}, {client}");
            AddIfAbsent(headers, request, ForwardedProto, request.Scheme);
            AddIfAbsent(headers, request, ForwardedHost, host);
            AddIfAbsent(headers, request, RealIp, client);
            return;
        }

        foreach (var name in request.Headers.Keys)
        {
            if (name.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase)
                || name.Equals(Forwarded, StringComparison.OrdinalIgnoreCase)
                || name.Equals(RealIp, StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove(name);
            }
        }

        headers.TryAddWithoutValidation(ForwardedFor, client);
        headers.TryAddWithoutValidation(ForwardedProto, request.Scheme);
        if (host.Length > 0)
        {
            headers.TryAddWithoutValidation(ForwardedHost, host);
        }

        headers.TryAddWithoutValidation(RealIp, client);
    }

    private static void AddIfAbsent(HttpRequestHeaders headers, HttpRequest request, string name, string value)
    {
        if (!request.Headers.ContainsKey(name) && value.Length > 0)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
