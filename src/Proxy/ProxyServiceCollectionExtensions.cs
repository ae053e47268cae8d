using Cutover.Proxy;
using Cutover.Proxy.Forwarding;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Cutover's data plane.</summary>
public static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddCutoverProxy(this IServiceCollection services, Action<ProxyOptions>? configure = null)
    {
        services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        // The traffic instruments come from IMeterFactory, so an exporter (or a test) sees this host's meter alone.
        services.AddMetrics();
        services.AddHttpForwarder();
        services.TryAddSingleton<Microsoft.AspNetCore.Http.IHttpContextFactory, Microsoft.AspNetCore.Http.DefaultHttpContextFactory>();
        services.TryAddSingleton<AppRequestForwarder>();
        services.TryAddSingleton(Cutover.Proxy.Listeners.SharedListenSockets.Exclusive);
        services.TryAddSingleton(sp => new TrafficRouter(
            sp.GetRequiredService<AppRequestForwarder>(),
            sp,
            sp.GetRequiredService<Cutover.Proxy.Listeners.SharedListenSockets>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TrafficRouter>>()));
        return services;
    }
}
