using Cutover.Engine;
using Cutover.Engine.Hosting;
using Cutover.Engine.Traffic;
using Cutover.Proxy.Listeners;
using Cutover.Web.Access;
using Cutover.Web.Api;
using Cutover.Web.Memory;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Cutover.Web.Composition;

/// <summary>How the host is put together: the engine, the proxy, the API, the console and the admin listener.</summary>
public static class CutoverHostExtensions
{
    public static WebApplicationBuilder AddCutover(this WebApplicationBuilder builder)
    {
        var adminUrl = builder.Configuration[$"{EngineOptions.SectionName}:{nameof(EngineOptions.AdminUrl)}"] ?? new EngineOptions().AdminUrl;
        builder.WebHost.UseUrls(adminUrl);

        builder.Services.AddCutoverEngine();
        // Every listener, the admin one too, can be shared with a host taking over from this one (see README, Upgrades).
        builder.Services.AddSingleton(sp => new SharedListenSockets(() => !sp.GetRequiredService<EngineLease>().IsHeld));
        builder.Services.AddOptions<SocketTransportOptions>()
            .Configure<SharedListenSockets>((transport, sockets) => transport.CreateBoundListenSocket = sockets.CreateBound);
        builder.Services.AddCutoverProxy();
        builder.Services.AddHostedService<GracefulStop>();
        builder.Services.AddHostedService<TakeoverSequence>();
        builder.Services.AddHostedService<MemoryAfterDeployments>();
        builder.AddSystemdReadiness();
        // Each app's drain timeouts bound the stop (GracefulStop); this only keeps the host from cutting it shorter.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMinutes(15));
        builder.Services.AddSingleton<ProxyTrafficSwitch>();
        builder.Services.AddSingleton<ITrafficSwitch>(sp => sp.GetRequiredService<ProxyTrafficSwitch>());
        builder.Services.AddSingleton<ITrafficWatch>(sp => sp.GetRequiredService<ProxyTrafficSwitch>());
        builder.Services.AddSingleton(new HostStart(TimeProvider.System.GetUtcNow()));
        builder.AddCutoverApi();
        builder.AddCutoverMetrics();
        builder.AddCutoverConsole();
        return builder;
    }

    public static WebApplication MapCutover(this WebApplication app)
    {
        // Nothing is answered before AdminBindCheck has approved the addresses Kestrel bound.
        var bindCheck = app.Services.GetRequiredService<AdminBindCheck>();
        app.Use(async (context, next) =>
        {
            if (await bindCheck.WaitAsync(context.RequestAborted))
            {
                await next(context);
            }
            else
            {
                context.Abort();
            }
        });
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before authentication: a page elsewhere must not get as far as the console's cookie or the local API.
        app.UseMiddleware<CrossSiteRequestGuard>();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization (a stranger still gets 401), before the rate limit (a refusal costs no permit).
        app.UseMiddleware<StartupGate>();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapCutoverApi();
        app.MapCutoverMetrics();
        app.MapCutoverConsole();
        app.MapHostProbes();
        return app;
    }
}
