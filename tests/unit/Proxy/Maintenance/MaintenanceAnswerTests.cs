using Cutover.Proxy.Maintenance;
using Microsoft.AspNetCore.Http;

namespace Cutover.Tests.Unit.Proxy.Maintenance;

/// <summary>The 503 of an app in maintenance: a page for browsers, a line for everyone else, never cached.</summary>
public sealed class MaintenanceAnswerTests
{
    [Fact]
    public async Task ABrowser_GetsAnHtmlPage_WithTheMessageEncoded()
    {
        var (context, body) = Request("text/html,application/xhtml+xml,*/*;q=0.8");

        await MaintenanceAnswer.WriteAsync(context, "shop", new MaintenancePage("Back <b>soon</b> & \"fine\"", 120));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("120", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("text/html; charset=utf-8", context.Response.ContentType);
        var page = Read(body);
        Assert.Contains("Back &lt;b&gt;soon&lt;/b&gt; &amp; &quot;fine&quot;", page);
        Assert.DoesNotContain("<b>soon", page);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("application/json")]
    [InlineData("text/html;q=0")]
    public async Task AnyOtherClient_GetsALineOfText(string? accept)
    {
        var (context, body) = Request(accept);

        await MaintenanceAnswer.WriteAsync(context, "shop", new MaintenancePage(null, null));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        Assert.Equal("text/plain; charset=utf-8", context.Response.ContentType);
        Assert.Equal("503 Service Unavailable: shop is down for maintenance. Please try again later.\n", Read(body));
    }

    private static (DefaultHttpContext Context, MemoryStream Body) Request(string? accept)
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        context.Request.Method = "GET";
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        return (context, body);
    }

    private static string Read(MemoryStream body) => System.Text.Encoding.UTF8.GetString(body.ToArray());
}
