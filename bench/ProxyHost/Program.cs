// Cutover's data plane alone, composed as the host composes it, in front of one backend port.
// Usage: bench-proxy LISTEN_PORT BACKEND_PORT, with these switches in the environment:
//   BENCH_SPLIT=N[,sticky]  shares N% with a second slot on the same port (a canary split);
//   BENCH_ADMIN_PORT=P      also serves an admin listener on 127.0.0.1:P, as the host's admin URL does (idle but for scrapes);
//   BENCH_METRICS=1         with BENCH_ADMIN_PORT: the host's OpenTelemetry meter provider and Prometheus exporter on /metrics;
//   BENCH_SPIN_US=N         burns N µs of CPU per request: a deliberate regression, to see bench/proxy.sh --check fail.
// bench-proxy record-cost times, alone, the one call the exporter adds per request (RecordCost.cs).
using System.Net;
using Cutover.Bench.ProxyHost;
using Cutover.Proxy;
using Cutover.Proxy.Routing;

if (args is ["record-cost"])
{
    return await RecordCost.RunAsync();
}

var listenPort = int.Parse(args[0]);
var backendPort = int.Parse(args[1]);
var adminPort = Environment.GetEnvironmentVariable("BENCH_ADMIN_PORT") is { Length: > 0 } admin ? int.Parse(admin) : (int?)null;
var withMetrics = Environment.GetEnvironmentVariable("BENCH_METRICS") == "1";
if (withMetrics && adminPort is null)
{
    Console.Error.WriteLine("bench-proxy: BENCH_METRICS=1 needs BENCH_ADMIN_PORT (the port /metrics is served on)");
    return 2;
}

// The host is a WebApplication (its admin URL) that also runs the proxy's own Kestrel servers; without an admin
// port the plain generic host carries the proxy alone, as this bench always did.
IHostApplicationBuilder builder = adminPort is null ? Host.CreateApplicationBuilder(args[2..]) : WebApplication.CreateBuilder(args[2..]);
builder.Logging.ClearProviders();
builder.Services.AddCutoverProxy();
if (withMetrics)
{
    builder.Services.AddBenchPrometheusExporter();
}

if (Environment.GetEnvironmentVariable("BENCH_SPIN_US") is { Length: > 0 } spin)
{
    builder.Services.AddSpinPerRequest(TimeSpan.FromMicroseconds(int.Parse(spin)));
}

IHost host;
if (builder is WebApplicationBuilder web)
{
    web.WebHost.UseUrls($"http://127.0.0.1:{adminPort}");
    var app = web.Build();
    if (withMetrics)
    {
        app.MapBenchPrometheusEndpoint();
    }

    host = app;
}
else
{
    host = ((HostApplicationBuilder)builder).Build();
}

using (host)
{
    await host.StartAsync();

    var router = host.Services.GetRequiredService<TrafficRouter>();
    var snapshot = await router.UpsertAsync(new AppProxyConfig("bench", new IPEndPoint(IPAddress.Loopback, listenPort), backendPort, backendPort + 1));
    if (snapshot.ListenerError is { } error)
    {
        Console.Error.WriteLine(error);
        return 1;
    }

    router.Switch("bench", Slot.Blue);
    // BENCH_SPLIT=20 (or 20,sticky) measures a canary split: both slots on the backend's port, 20% to green.
    if (Environment.GetEnvironmentVariable("BENCH_SPLIT") is { Length: > 0 } split)
    {
        await router.UpsertAsync(new AppProxyConfig("bench", new IPEndPoint(IPAddress.Loopback, listenPort), backendPort, backendPort));
        router.Split("bench", new RouteSplit(Slot.Blue, Slot.Green, int.Parse(split.Split(',')[0]), split.EndsWith(",sticky", StringComparison.Ordinal)));
    }

    Console.WriteLine($"bench-proxy: 127.0.0.1:{listenPort} -> 127.0.0.1:{backendPort}{(adminPort is null ? "" : $", admin 127.0.0.1:{adminPort}")}{(withMetrics ? " with /metrics" : "")}");
    await host.WaitForShutdownAsync();
    return 0;
}
