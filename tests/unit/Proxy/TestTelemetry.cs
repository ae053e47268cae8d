using System.Diagnostics.Metrics;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Proxy;

/// <summary>Telemetry for a proxied app built by hand, with a meter factory of its own.</summary>
internal static class TestTelemetry
{
    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static AppTelemetry For(string app, TimeProvider? time = null) =>
        new(app, time ?? TimeProvider.System, new ProxyMetrics(Meters, () => Array.Empty<ProxiedApp>()));
}
