// Cutover's data plane alone, composed as the host composes it, in front of one backend port.
// Usage: bench-proxy LISTEN_PORT BACKEND_PORT
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
Console.WriteLine($"bench-proxy: 127.0.0.1:{listenPort} -> 127.0.0.1:{backendPort}");
await host.WaitForShutdownAsync();
return 0;
