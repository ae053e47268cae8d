using Cutover.Engine;
using Cutover.Web.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

/// <summary>What a page on another site can make a browser send to the admin listener is refused; tools without an Origin pass.</summary>
public sealed class CrossSiteRequestGuardTests
{
    private const string Loopback = "http://127.0.0.1:5080";

    private bool _passed;

    [Theory]
    [InlineData("127.0.0.1:5080")]
    [InlineData("localhost:5080")]
    [InlineData("[::1]:5080")]
    [InlineData("localhost:8080")] // an SSH tunnel's local port
    public async Task BoundToLoopback_LoopbackNames_Pass(string host)
    {
        var context = await SendAsync(Loopback, "GET", "/api/apps", host: host);

        Assert.True(_passed, Body(context));
    }

    [Theory]
    [InlineData("evil.example:5080")]
    [InlineData("127.0.0.1.nip.io:5080")]
    [InlineData("10.1.2.3:5080")]
    public async Task BoundToLoopback_AnyOtherHost_Is421_AsDnsRebindingWouldSend(string host)
    {
        var context = await SendAsync(Loopback, "GET", "/", host: host);

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status421MisdirectedRequest, context.Response.StatusCode);
        Assert.Contains("Unknown host", Body(context));
    }

    [Theory]
    [InlineData("10.1.2.3:5080", true)]
    [InlineData("cutover.internal:5080", true)]
    [InlineData("evil.example:5080", false)]
    public async Task BoundToEveryAddress_AddressesAndAllowedNames_Pass(string host, bool passes)
    {
        var context = await SendAsync("http://0.0.0.0:5080", "GET", "/api/apps", host: host, allowedHosts: ["cutover.internal"]);

        Assert.Equal(passes, _passed);
        Assert.Equal(passes ? 200 : StatusCodes.Status421MisdirectedRequest, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("http://127.0.0.1:5081")] // another port of the same host: same site, another origin
    [InlineData("null")]
    public async Task AChange_FromAForeignOrigin_Is403(string origin)
    {
        var context = await SendAsync(Loopback, "POST", "/api/apps/shop/deployments", origin: origin, contentType: "application/json", body: "{}");

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Contains("is not this host's own", Body(context));
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task AChange_ThatTheBrowserMarksAsFromAnotherSite_Is403(string site)
    {
        var context = await SendAsync(Loopback, "POST", "/api/apps/shop/redeploy", fetchSite: site);

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/_blazor")]
    [InlineData("POST", "/_blazor/negotiate")]
    [InlineData("GET", "/hubs/events")]
    public async Task TheCircuitAndTheHub_FromAForeignOrigin_Are403_EvenForAWebSocketGet(string method, string path)
    {
        var context = await SendAsync(Loopback, method, path, origin: "http://evil.example");

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Fact]
    public async Task TheConsolesOwnPages_AndReadsFromElsewhere_Pass()
    {
        await SendAsync(Loopback, "POST", "/_blazor/negotiate", origin: "http://127.0.0.1:5080", fetchSite: "same-origin");
        Assert.True(_passed);

        _passed = false;
        await SendAsync(Loopback, "POST", "/api/apps/shop/deployments", host: "localhost:5080", origin: "http://localhost:5080", contentType: "application/json; charset=utf-8", body: "{}");
        Assert.True(_passed);

        _passed = false;
        await SendAsync(Loopback, "GET", "/api/apps", origin: "http://evil.example", fetchSite: "cross-site");
        Assert.True(_passed);
    }

    [Theory]
    [InlineData("text/plain", "{\"image\":\"evil:1\"}")]
    [InlineData("application/x-www-form-urlencoded", "image=evil%3A1")]
    [InlineData("multipart/form-data; boundary=x", "--x--")]
    [InlineData("application/x-www-form-urlencoded", "")] // a form without fields
    [InlineData(null, "{\"image\":\"evil:1\"}")]
    public async Task AnApiChange_WithABodyThatIsNotJson_Is415(string? contentType, string body)
    {
        var context = await SendAsync(Loopback, "POST", "/api/apps/shop/deployments", contentType: contentType, body: body);

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, context.Response.StatusCode);
        Assert.Contains("Content-Type: application/json", Body(context));
    }

    [Theory]
    [InlineData("/api/apps/shop/redeploy", null, null)] // curl -X POST: no body, no type
    [InlineData("/api/deployments/3/cancel", null, "")] // HttpClient's PostAsync(url, null): Content-Length 0
    [InlineData("/api/apps/shop/rollback", "application/json", "{\"to\":12}")]
    [InlineData("/login", "application/x-www-form-urlencoded", "user=alice")] // the sign-in form is not the API
    public async Task ToolsWithoutAnOrigin_AndTheSignInForm_Pass(string path, string? contentType, string? body)
    {
        var context = await SendAsync(Loopback, "POST", path, contentType: contentType, body: body);

        Assert.True(_passed, Body(context));
    }

    private async Task<HttpContext> SendAsync(
        string adminUrl, string method, string path, string host = "127.0.0.1:5080", string? origin = null, string? fetchSite = null,
        string? contentType = null, string? body = null, string[]? allowedHosts = null)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        context.Request.ContentType = contentType;
        if (body is not null)
        {
            context.Request.ContentLength = System.Text.Encoding.UTF8.GetByteCount(body);
            context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        }

        context.Response.Body = new MemoryStream();
        var hosts = new AdminHosts(Options.Create(new EngineOptions { AdminUrl = adminUrl }), Options.Create(new ApiAccessOptions { AllowedHosts = [.. allowedHosts ?? []] }));
        var guard = new CrossSiteRequestGuard(_ => { _passed = true; return Task.CompletedTask; }, hosts, services.GetRequiredService<IProblemDetailsService>(), NullLogger<CrossSiteRequestGuard>.Instance);
        await guard.InvokeAsync(context);
        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }
}
