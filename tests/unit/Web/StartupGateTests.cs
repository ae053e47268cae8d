using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Tests.Unit.Engine;
using Cutover.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

/// <summary>Until this host's engine has reconciled (after a start, or while taking over from another host), API changes wait.</summary>
public sealed class StartupGateTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;
    private EngineReadiness _readiness = null!;
    private bool _passed;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        // A readiness of its own that has not seen reconciliation, as while a takeover waits for the running host.
        _readiness = new EngineReadiness(
            _engine.Get<AppsConfigMonitor>(), _engine.Get<IDbContextFactory<CutoverDbContext>>(), _engine.Get<IContainerRuntime>(),
            _engine.Get<IOptions<EngineOptions>>(), _engine.Get<TimeProvider>());
        _readiness.Report("taking over from the Cutover with pid 4242: waiting for it to drain and let go of the database");
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task WhileTakingOver_AChangeThroughTheApi_Is503WithRetryAfter_SayingWhy()
    {
        var context = await SendAsync("POST", "/api/apps/shop/deployments");

        Assert.False(_passed);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Contains("Cutover is starting", body);
        Assert.Contains("taking over from the Cutover with pid 4242", body);
    }

    [Theory]
    [InlineData("GET", "/api/apps")]
    [InlineData("HEAD", "/api/apps")]
    [InlineData("POST", "/_blazor/negotiate")]
    public async Task WhileTakingOver_ReadsAndTheConsole_PassThrough(string method, string path)
    {
        await SendAsync(method, path);

        Assert.True(_passed);
    }

    [Fact]
    public async Task OnceReconciled_ChangesPassThrough()
    {
        _readiness.MarkReconciled();

        await SendAsync("POST", "/api/apps/shop/deployments");

        Assert.True(_passed);
    }

    private async Task<HttpContext> SendAsync(string method, string path)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        var gate = new StartupGate(_ => { _passed = true; return Task.CompletedTask; }, _readiness, services.GetRequiredService<IProblemDetailsService>(), NullLogger<StartupGate>.Instance);
        await gate.InvokeAsync(context);
        return context;
    }
}
