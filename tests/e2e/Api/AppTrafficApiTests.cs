using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Api;

/// <summary>GET /api/apps/{app} against the real host and real Docker: the proxy's traffic figures per slot.</summary>
[Collection(DockerCollection.Name)]
public sealed class AppTrafficApiTests
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task AppDetail_ShowsTheActiveSlotsRequestsByClass_Latencies_AndBytes_AfterSomeRequests_AsMetricsDo()
    {
        var app = AppsYaml.Fresh("e2e-api-traffic", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var before = await ActiveTrafficAsync(host, app.App);

        foreach (var path in new[] { "", "", "", "no-such-page", "nor-this-one" })
        {
            using var response = await Client.GetAsync(new Uri(app.Url, path));
        }

        var deadline = Stopwatch.StartNew();
        JsonElement after;
        while ((after = await ActiveTrafficAsync(host, app.App)).GetProperty("requests").GetInt64() < Requests(before) + 5
               && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        Assert.Equal(Requests(before) + 5, Requests(after));
        Assert.Equal(Class(before, "2xx") + 3, Class(after, "2xx"));
        Assert.Equal(Class(before, "4xx") + 2, Class(after, "4xx"));
        Assert.Equal(0, after.GetProperty("proxyErrors").GetProperty("502").GetInt64());
        var minute = after.GetProperty("lastMinute");
        Assert.True(minute.GetProperty("requests").GetInt64() >= 5, minute.ToString());
        Assert.True(minute.GetProperty("p50Ms").GetDouble() > 0, minute.ToString());
        Assert.True(minute.GetProperty("p99Ms").GetDouble() >= minute.GetProperty("p95Ms").GetDouble(), minute.ToString());
        Assert.True(after.GetProperty("bytesOut").GetInt64() > before.GetProperty("bytesOut").GetInt64(), after.ToString());
        Assert.Equal(before.GetProperty("bytesIn").GetInt64(), after.GetProperty("bytesIn").GetInt64());

        // GET /metrics exports the same counters under cutover_proxy_*.
        var metrics = await host.Api.GetStringAsync("metrics");
        Assert.Equal(Class(after, "2xx"), Sample(metrics, "cutover_proxy_requests_total", app.App, "code=\"200\"", "class=\"2xx\""));
        Assert.Equal(Class(after, "4xx"), Sample(metrics, "cutover_proxy_requests_total", app.App, "code=\"404\"", "class=\"4xx\""));
        Assert.Equal(after.GetProperty("bytesOut").GetInt64(), Sample(metrics, "cutover_proxy_response_body_bytes_total", app.App));
        Assert.True(Sample(metrics, "cutover_proxy_request_duration_seconds_count", app.App, "class=\"2xx\"") >= 3, metrics);
        Assert.Equal(0, Sample(metrics, "cutover_proxy_open_websockets", app.App));
    }

    /// <summary>The value of the one sample of <paramref name="name"/> for the app's blue slot with these labels.</summary>
    private static long Sample(string metrics, string name, string app, params string[] labels)
    {
        var lines = metrics.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal)
                && l.Contains($"app=\"{app}\"", StringComparison.Ordinal)
                && l.Contains("slot=\"blue\"", StringComparison.Ordinal)
                && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .ToList();
        Assert.True(lines.Count == 1, $"expected one {name} sample for {app} with {string.Join(", ", labels)}:{Environment.NewLine}{metrics}");
        return (long)double.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> ActiveTrafficAsync(HostProcess host, string app)
    {
        var status = await host.GetJsonAsync($"api/apps/{app}");
        var active = status.GetProperty("slots").EnumerateArray().Single(s => s.GetProperty("active").GetBoolean());
        Assert.True(active.TryGetProperty("traffic", out var traffic) && traffic.ValueKind == JsonValueKind.Object, $"no traffic figures in {active}");
        return traffic;
    }

    private static long Requests(JsonElement traffic) => traffic.GetProperty("requests").GetInt64();

    private static long Class(JsonElement traffic, string name) => traffic.GetProperty("byClass").GetProperty(name).GetInt64();
}
