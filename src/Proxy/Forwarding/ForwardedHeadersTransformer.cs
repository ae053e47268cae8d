using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Cutover.Proxy.Forwarding;

/// <summary>
/// Copies the request as it came (YARP's default keeps Host, cookies and every other header) and adds the
/// forwarding headers a backend needs to see its real client.
/// </summary>
/// <remarks>
/// YARP's stock X-Forwarded transforms either set or append every header alike. Cutover usually sits behind
/// the operator's TLS terminator, which already knows the real scheme, host and client: so X-Forwarded-For is
/// appended to (the chain grows by one hop, as with nginx's $proxy_add_x_forwarded_for), while
/// X-Forwarded-Proto, X-Forwarded-Host and X-Real-IP are added only when nobody in front set them.
/// </remarks>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";
    private const string RealIp = "X-Real-IP";

    public static ForwardedHeadersTransformer Instance { get; } = new();

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext,
        HttpRequestMessage proxyRequest,
        string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        var request = httpContext.Request;
        var headers = proxyRequest.Headers;
        var client = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";

        var chain = request.Headers[ForwardedFor];
        headers.Remove(ForwardedFor);
        headers.TryAddWithoutValidation(ForwardedFor, chain.Count == 0 ? client : $"{string.Join(", ", chain.ToArray())}, {client}");

        AddIfAbsent(headers, request, ForwardedProto, request.Scheme);
        AddIfAbsent(headers, request, ForwardedHost, request.Host.Value ?? string.Empty);
        AddIfAbsent(headers, request, RealIp, client);
    }

    private static void AddIfAbsent(HttpRequestHeaders headers, HttpRequest request, string name, string value)
    {
        if (!request.Headers.ContainsKey(name) && value.Length > 0)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
