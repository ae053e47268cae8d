using Cutover.Engine;
using Cutover.Engine.Traffic;
using Cutover.Web.Api;

namespace Cutover.Web.Composition;

/// <summary>How the host is put together: the engine, the proxy, the API, the console and the admin listener.</summary>
public static class CutoverHostExtensions
{
    public static WebApplicationBuilder AddCutover(this WebApplicationBuilder builder)
    {
        var adminUrl = builder.Configuration[$"{EngineOptions.SectionName}:{nameof(EngineOptions.AdminUrl)}"] ?? new EngineOptions().AdminUrl;
        builder.WebHost.UseUrls(adminUrl);

        builder.Services.AddCutoverEngine();
        builder.Services.AddCutoverProxy();
        builder.Services.AddSingleton<ITrafficSwitch, ProxyTrafficSwitch>();
        builder.Services.AddSingleton(new HostStart(TimeProvider.System.GetUtcNow()));
        builder.AddCutoverApi();
        builder.AddCutoverConsole();
        return builder;
    }

    public static WebApplication MapCutover(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization (a stranger still gets 401), before the rate limit (a refusal costs no permit).
        app.UseMiddleware<StartupGate>();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapCutoverApi();
        app.MapCutoverConsole();
        app.MapHostProbes();
        return app;
    }
}
