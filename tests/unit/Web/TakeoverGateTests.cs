using Cutover.Engine;
using Cutover.Engine.Hosting;
using Cutover.Web.Composition;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

public sealed class TakeoverGateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-gate-").FullName;
    private readonly EngineLease _lease;
    private bool _passed;

    public TakeoverGateTests()
    {
        _lease = new EngineLease(Options.Create(new EngineOptions { Database = Path.Combine(_folder, "cutover.db") }), TimeProvider.System, NullLogger<EngineLease>.Instance);
    }

    public void Dispose()
    {
        _lease.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task WhileTakingOver_AChangeThroughTheApi_Is503WithRetryAfter()
    {
        var context = await SendAsync("POST", "/api/apps/shop/deployments");

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData("GET", "/api/apps")]
    [InlineData("POST", "/_blazor/negotiate")]
    public async Task WhileTakingOver_ReadsAndTheConsole_PassThrough(string method, string path)
    {
        await SendAsync(method, path);

        Assert.True(_passed);
    }

    [Fact]
    public async Task OnceThisHostRunsTheEngine_ChangesPassThrough()
    {
        Assert.True(_lease.TryAcquire());

        await SendAsync("POST", "/api/apps/shop/deployments");

        Assert.True(_passed);
    }

    private async Task<HttpContext> SendAsync(string method, string path)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        var gate = new TakeoverGate(_ => { _passed = true; return Task.CompletedTask; }, _lease);
        await gate.InvokeAsync(context);
        return context;
    }
}
