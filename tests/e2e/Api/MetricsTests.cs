using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Api;

/// <summary><c>GET /metrics</c> on the real host after a real deployment, and JSON console logs with their scopes.</summary>
[Collection(DockerCollection.Name)]
public sealed partial class MetricsTests
{
    private const string Token = "metrics-0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Metrics_AfterADeployment_ExportItsOutcomeHealthChecksAndTheActiveSlot_AllNamedCutover()
    {
        var app = AppsYaml.Fresh("e2e-metrics", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        var first = await host.WaitForAppDeploymentAsync(app.App);
        host.AssertStatus("completed", first);

        using var response = await host.Api.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var series = Parse(text);
        Assert.All(series, s => Assert.StartsWith("cutover_", s.Name, StringComparison.Ordinal));
        Assert.Equal(1, Value(series, text, "cutover_deployments_total", ("app", app.App), ("outcome", "completed")));
        Assert.Equal(1, Value(series, text, "cutover_deployment_duration_seconds_count", ("app", app.App), ("outcome", "completed")));
        Assert.True(Value(series, text, "cutover_deployment_duration_seconds_sum", ("app", app.App), ("outcome", "completed")) > 0, text);
        // healthy_after: 2 for the deployment; the active monitor may have added more since.
        Assert.True(Value(series, text, "cutover_health_checks_total", ("app", app.App), ("slot", "blue"), ("result", "healthy")) >= 2, text);
        Assert.True(Value(series, text, "cutover_health_check_duration_seconds_count", ("app", app.App), ("slot", "blue")) >= 2, text);
        Assert.Equal(1, Value(series, text, "cutover_active_slot", ("app", app.App), ("slot", "blue")));
        Assert.Equal(0, Value(series, text, "cutover_active_slot", ("app", app.App), ("slot", "green")));
        Assert.Contains("# TYPE cutover_deployments_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE cutover_deployment_duration_seconds histogram", text, StringComparison.Ordinal);

        var second = await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V2));
        host.AssertStatus("completed", second);
        var after = await host.Api.GetStringAsync("metrics");
        var now = Parse(after);

        Assert.Equal(2, Value(now, after, "cutover_deployments_total", ("app", app.App), ("outcome", "completed")));
        Assert.Equal(1, Value(now, after, "cutover_active_slot", ("app", app.App), ("slot", "green")));
        Assert.Equal(0, Value(now, after, "cutover_active_slot", ("app", app.App), ("slot", "blue")));
        Assert.Equal(1, Value(now, after, "cutover_drain_duration_seconds_count", ("app", app.App), ("slot", "blue"), ("result", "clean")));
    }

    [Fact]
    public async Task Metrics_WithTokensConfigured_NeedAToken_LikeTheApi()
    {
        var app = AppsYaml.Fresh("e2e-metrics-tokens", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:Tokens:0:Name=prometheus", $"--Cutover:Api:Tokens:0:Token={Token}");

        using var without = await host.Api.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.DoesNotContain("cutover_", await without.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token + "x") } };
        using var refused = await host.Api.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var scraped = await host.Api.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("cutover_active_slot{", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonConsoleLogs_AsTheReadmeSetsThemUp_NameTheAppAndTheDeploymentInTheirScopes()
    {
        var app = AppsYaml.Fresh("e2e-json-logs", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Logging:Console:FormatterName=json", "--Logging:Console:FormatterOptions:IncludeScopes=true");

        var first = await host.WaitForAppDeploymentAsync(app.App);
        var id = first.GetProperty("id").GetInt64();

        // The line follows the stored status by a moment: the console logger writes from its own queue.
        var completed = await CompletedLineAsync(host);
        var scope = completed.GetProperty("Scopes").EnumerateArray().Single(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("app", out _));
        Assert.Equal(app.App, scope.GetProperty("app").GetString());
        Assert.Equal(id, scope.GetProperty("deployment").GetInt64());
    }

    private static async Task<JsonElement> CompletedLineAsync(HostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var lines = host.Output.Split(Environment.NewLine).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement);
            var completed = lines.FirstOrDefault(l => l.GetProperty("Category").GetString() == "Cutover.Engine.Deployments.DeploymentRunner"
                && l.GetProperty("Message").GetString()!.Contains("completed", StringComparison.Ordinal));
            if (completed.ValueKind == JsonValueKind.Object)
            {
                return completed;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no JSON line of the completed deployment:{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }
    }

    private static double Value(IReadOnlyList<Series> series, string text, string name, params (string Key, string Value)[] labels)
    {
        var match = series.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).ToList();
        Assert.True(match.Count == 1, $"expected one {name} with {string.Join(", ", labels)}, found {match.Count}:{Environment.NewLine}{text}");
        return match[0].Value;
    }

    /// <summary>The samples of Prometheus text exposition (comments skipped).</summary>
    private static List<Series> Parse(string text) =>
        text.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var sample = SampleLine().Match(l);
                Assert.True(sample.Success, $"not a sample line: {l}");
                var labels = LabelPair().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
                return new Series(sample.Groups["name"].Value, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture));
            })
            .ToList();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    private sealed record Series(string Name, Dictionary<string, string> Labels, double Value);
}
