// The baseline: YARP's own configuration-based proxy, as its getting-started guide writes it, in front of the
// same backend. Whatever Cutover loses beyond this is Cutover's own code; what this loses to nginx is YARP/.NET.
// Usage: bench-yarp LISTEN_PORT BACKEND_PORT
using Yarp.ReverseProxy.Configuration;

var listenPort = int.Parse(args[0]);
var backendPort = int.Parse(args[1]);
var builder = WebApplication.CreateBuilder(args[2..]);
// Same as bench/ProxyHost: no log output, so neither proxy pays for a console logger.
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{listenPort}");
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "bench", ClusterId = "backend", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "backend",
        Destinations = new Dictionary<string, DestinationConfig> { ["blue"] = new() { Address = $"http://127.0.0.1:{backendPort}/" } },
    }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
