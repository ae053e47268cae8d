using System.Diagnostics;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>The whole host against real Docker: an apps.yaml edit of proxy.trusted_proxies is served at once, without a deployment.</summary>
[Collection(DockerCollection.Name)]
public sealed class TrustedProxiesReloadTests
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Reload_TrustingLoopback_KeepsTheClientsHeaders_WithoutADeployment()
    {
        var app = AppsYaml.Fresh("e2e-fwd-trust", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        var untrusted = await SpoofedAsync(app);
        Assert.Equal(("127.0.0.1", "http", "127.0.0.1"), (untrusted["X-Real-IP"], untrusted["X-Forwarded-Proto"], untrusted["X-Forwarded-For"]));

        await File.WriteAllTextAsync(host.AppsFile, app + "    proxy: { trusted_proxies: [127.0.0.1/32] }\n");
        var deadline = Stopwatch.StartNew();
        Dictionary<string, string> trusted;
        while ((trusted = await SpoofedAsync(app))["X-Real-IP"] != "198.51.100.4")
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"the reload never trusted 127.0.0.1:{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }

        Assert.Equal(("https", "198.51.100.4, 127.0.0.1"), (trusted["X-Forwarded-Proto"], trusted["X-Forwarded-For"]));
        var audit = (await host.GetJsonAsync($"api/audit?app={app.App}")).EnumerateArray()
            .Single(e => e.GetProperty("action").GetString() == "app.proxy_changed");
        Assert.Equal("idle_timeout none -> idle_timeout none, trusted_proxies [127.0.0.1/32]", audit.GetProperty("detail").GetString());
        var deployments = await host.GetJsonAsync($"api/apps/{app.App}/deployments");
        Assert.Equal(1, deployments.GetProperty("items").GetArrayLength());
    }

    private async Task<Dictionary<string, string>> SpoofedAsync(AppsYaml app)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Url, "headers"));
        request.Headers.Add("X-Real-IP", "198.51.100.4");
        request.Headers.Add("X-Forwarded-For", "198.51.100.4");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return new Dictionary<string, string>(
            JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!,
            StringComparer.OrdinalIgnoreCase);
    }
}
