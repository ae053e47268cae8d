using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cutover.Proxy.Listeners;

/// <summary>The bridge between a bare Kestrel server and a request delegate.</summary>
/// <remarks>
/// The generic host's HostingApplication (activities, diagnostics events, request logging scopes) is what
/// a full web app wants; a proxy listener wants none of it on its hot path.
/// </remarks>
internal sealed class ListenerApplication(RequestDelegate handler, IHttpContextFactory contextFactory) : IHttpApplication<HttpContext>
{
    public HttpContext CreateContext(IFeatureCollection contextFeatures) => contextFactory.Create(contextFeatures);

    public Task ProcessRequestAsync(HttpContext context) => handler(context);

    public void DisposeContext(HttpContext context, Exception? exception) => contextFactory.Dispose(context);
}
