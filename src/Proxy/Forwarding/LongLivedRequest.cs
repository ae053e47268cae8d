using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Cutover.Proxy.Forwarding;

/// <summary>Tells, from the request alone, whether an exchange is meant to stay open: a WebSocket (any upgrade) or an event stream.</summary>
/// <remarks>
/// YARP fixes an exchange's activity timeout before the backend answers, so the choice has to be made on what
/// the client asks for. Every browser EventSource sends <c>Accept: text/event-stream</c>; a stream that a client
/// did not ask for that way is an ordinary response to the proxy.
/// </remarks>
internal static class LongLivedRequest
{
    private const string EventStream = "text/event-stream";

    public static bool Matches(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        || AcceptsEventStream(context.Request.Headers.Accept);

    // The substring test keeps the usual request (no event stream in Accept) free of header parsing.
    private static bool AcceptsEventStream(StringValues accept) =>
        accept.ToString().Contains(EventStream, StringComparison.OrdinalIgnoreCase)
        && MediaTypeHeaderValue.TryParseList(accept, out var types)
        && types.Any(t => t.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase) && t.Quality is not 0);
}
