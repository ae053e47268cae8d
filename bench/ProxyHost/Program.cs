// Cutover's data plane alone, composed as the host composes it, in front of one backend port.
// Usage: bench-proxy LISTEN_PORT BACKEND_PORT; BENCH_SPLIT=N[,sticky] shares N% with a second slot on the same port.
using System.Net;
using Cutover.Proxy;
using Cutover.Proxy.Routing;

var listenPort = int.Parse(args[0]);
var backendPort = int.Parse(args[1]);
var builder = Host.CreateApplicationBuilder(args[2..]);
builder.Logging.ClearProviders();
builder.Services.AddCutoverProxy();
using var host = builder.Build();
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

Console.WriteLine($"bench-proxy: 127.0.0.1:{listenPort} -> 127.0.0.1:{backendPort}");
await host.WaitForShutdownAsync();
return 0;
