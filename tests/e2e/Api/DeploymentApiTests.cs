using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Api;

/// <summary>The deployment endpoints against the real host and real Docker: waiting, idempotency, cancel, events, stats.</summary>
[Collection(DockerCollection.Name)]
public sealed class DeploymentApiTests
{
    [Fact]
    public async Task Deploy_WithWaitMetadataAndIdempotencyKey_AnswersOnceFinished_AndARetryGetsTheSameDeployment()
    {
        var app = AppsYaml.Fresh("e2e-api-wait", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var body = new { image = DemoImages.V2, reason = "release 2", metadata = new { git_hash = "4f2a9c1", promoted_by = "ci" } };

        using var first = await PostAsync(host, $"api/apps/{app.App}/deployments?wait=true&timeout=120", body, "release-2");
        var deployment = await ReadAsync(first);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        host.AssertStatus("completed", deployment);
        Assert.Equal("4f2a9c1", deployment.GetProperty("metadata").GetProperty("git_hash").GetString());
        Assert.Equal($"/api/deployments/{deployment.GetProperty("id").GetInt64()}", first.Headers.Location?.OriginalString);

        using var retry = await PostAsync(host, $"api/apps/{app.App}/deployments", body, "release-2");
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(deployment.GetProperty("id").GetInt64(), (await ReadAsync(retry)).GetProperty("id").GetInt64());

        using var reused = await PostAsync(host, $"api/apps/{app.App}/deployments", new { image = DemoImages.V1 }, "release-2");
        await AssertProblemAsync(reused, HttpStatusCode.UnprocessableEntity, "release-2");

        var history = await host.GetJsonAsync($"api/apps/{app.App}/deployments");
        Assert.Equal(2, history.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Deploy_WithoutWait_Answers202AtOnce_AndTheEventsStreamTheStepsHealthAndDrainUntilTheEnd()
    {
        var app = AppsYaml.Fresh("e2e-api-sse", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        using var accepted = await PostAsync(host, $"api/apps/{app.App}/deployments", new { image = DemoImages.V2 });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await ReadAsync(accepted)).GetProperty("id").GetInt64();

        // The stream ends by itself after the terminal step; the timeout only bounds a broken stream.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stream = await host.Api.GetStringAsync($"api/deployments/{id}/events", timeout.Token);
        var events = stream.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();

        Assert.Contains("health", events);
        Assert.Contains("drain", events);
        Assert.Equal("deployment", events[^1]);
        var last = stream.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal));
        Assert.Equal("completed", JsonDocument.Parse(last[6..]).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_DuringHealthChecks_StopsTheNewSlot_AndTheOldKeepsServing_ThenTheStatsCountIt()
    {
        var app = AppsYaml.Fresh("e2e-api-cancel", DemoImages.V1) with { Health = "{ path: /health, interval: 250ms, timeout: 1s, healthy_after: 2, deadline: 60s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        using var accepted = await PostAsync(host, $"api/apps/{app.App}/deployments", new { image = DemoImages.Unhealthy });
        var id = (await ReadAsync(accepted)).GetProperty("id").GetInt64();
        await WaitForStatusAsync(host, id, "health_checking");

        using var cancel = await host.Api.PostAsync($"api/deployments/{id}/cancel?wait=true&timeout=30", null);
        var cancelled = await ReadAsync(cancel);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        host.AssertStatus("cancelled", cancelled);
        Assert.Contains("cancelled by local", cancelled.GetProperty("error").GetString());
        var status = await host.GetJsonAsync($"api/apps/{app.App}");
        Assert.Equal("blue", status.GetProperty("activeSlot").GetString());
        Assert.False(status.GetProperty("slots").EnumerateArray().Single(s => s.GetProperty("slot").GetString() == "green").GetProperty("running").GetBoolean());

        using var again = await host.Api.PostAsync($"api/deployments/{id}/cancel", null);
        await AssertProblemAsync(again, HttpStatusCode.Conflict, "already ended");
        using var unknown = await host.Api.PostAsync("api/deployments/987654/cancel", null);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "987654");

        var stats = await host.GetJsonAsync($"api/apps/{app.App}/stats");
        Assert.Equal((2, 1, 1), (stats.GetProperty("total").GetInt32(), stats.GetProperty("completed").GetInt32(), stats.GetProperty("cancelled").GetInt32()));
        Assert.Equal(0.5, stats.GetProperty("successRate").GetDouble());
    }

    [Fact]
    public async Task Redeploy_AndRollback_Wait_AndRollbackReusesTheKeptContainer()
    {
        var app = AppsYaml.Fresh("e2e-api-redeploy", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        using var redeploy = await host.Api.PostAsync($"api/apps/{app.App}/redeploy?wait=true", null);
        var redeployed = await ReadAsync(redeploy);
        host.AssertStatus("completed", redeployed);
        Assert.Equal(("redeploy", DemoImages.V1, "green"), (redeployed.GetProperty("kind").GetString(), redeployed.GetProperty("image").GetString(), redeployed.GetProperty("slot").GetString()));

        using var deploy = await PostAsync(host, $"api/apps/{app.App}/deployments?wait=true", new { image = DemoImages.V2 });
        host.AssertStatus("completed", await ReadAsync(deploy));

        using var rollback = await PostAsync(host, $"api/apps/{app.App}/rollback?wait=true", new { reason = "v2 looks wrong" });
        var rolledBack = await ReadAsync(rollback);
        host.AssertStatus("completed", rolledBack);
        Assert.Equal((DemoImages.V1, "v2 looks wrong"), (rolledBack.GetProperty("image").GetString(), rolledBack.GetProperty("reason").GetString()));
        Assert.Contains(rolledBack.GetProperty("steps").EnumerateArray(), s => s.GetProperty("message").GetString()!.Contains("reusing the kept container"));
    }

    [Fact]
    public async Task BadRequests_GetSpecificProblems_AndStartNothing()
    {
        var app = AppsYaml.Fresh("e2e-api-bad", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var deployments = $"api/apps/{app.App}/deployments";

        await AssertProblemAsync(await PostRawAsync(host, deployments, "{\"image\": "), HttpStatusCode.BadRequest, "not valid JSON");
        await AssertProblemAsync(await PostRawAsync(host, deployments, "{}"), HttpStatusCode.BadRequest, "\"image\"");
        await AssertProblemAsync(await PostAsync(host, deployments, new { image = "Not An Image" }), HttpStatusCode.BadRequest, "not a valid image reference");
        await AssertProblemAsync(await PostAsync(host, deployments, new { image = DemoImages.V2, metadata = "x" }), HttpStatusCode.BadRequest, "metadata must be a JSON object");
        await AssertProblemAsync(await PostAsync(host, deployments, new { image = DemoImages.V2, metadata = new { blob = new string('x', 5000) } }), HttpStatusCode.BadRequest, "4096");
        await AssertProblemAsync(await PostAsync(host, $"{deployments}?wait=maybe", new { image = DemoImages.V2 }), HttpStatusCode.BadRequest, "wait must be");
        await AssertProblemAsync(await PostAsync(host, $"{deployments}?wait=true&timeout=99999", new { image = DemoImages.V2 }), HttpStatusCode.BadRequest, "timeout must be");
        await AssertProblemAsync(await PostAsync(host, deployments, new { image = DemoImages.V2 }, "has spaces in it"), HttpStatusCode.BadRequest, "Idempotency-Key");
        await AssertProblemAsync(await PostAsync(host, "api/apps/nope/deployments", new { image = DemoImages.V2 }), HttpStatusCode.NotFound, "'nope'");
        await AssertProblemAsync(await host.Api.GetAsync($"{deployments}?status=sideways"), HttpStatusCode.BadRequest, "rolled_back");
        await AssertProblemAsync(await host.Api.GetAsync($"api/apps/{app.App}/health?slot=purple"), HttpStatusCode.BadRequest, "blue or green");
        await AssertProblemAsync(await host.Api.GetAsync("api/deployments/424242"), HttpStatusCode.NotFound, "424242");

        var history = await host.GetJsonAsync(deployments);
        Assert.Equal(1, history.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ReadEndpoints_ShowHealthHistoryLogsStatusConfigAndTheOpenApiDocument()
    {
        var app = AppsYaml.Fresh("e2e-api-read", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        var health = await host.GetJsonAsync($"api/apps/{app.App}/health?limit=5&slot=blue");
        Assert.InRange(health.GetArrayLength(), 1, 5);
        Assert.All(health.EnumerateArray(), h => Assert.Equal("blue", h.GetProperty("slot").GetString()));
        Assert.Contains(health.EnumerateArray(), h => h.GetProperty("healthy").GetBoolean() && h.GetProperty("latencyMs").GetDouble() > 0);

        var logs = await host.GetJsonAsync($"api/apps/{app.App}/logs?tail=20");
        Assert.Equal("blue", logs.GetProperty("slot").GetString());
        Assert.Contains(logs.GetProperty("lines").EnumerateArray(), l => l.GetString()!.Contains("GET /health 200"));

        var status = await host.GetJsonAsync("api/status");
        Assert.Equal(1, status.GetProperty("apps").GetInt32());
        Assert.Equal(host.AppsFile, status.GetProperty("appsFile").GetString());

        var config = await host.GetJsonAsync("api/config");
        Assert.Contains(app.App, config.GetProperty("text").GetString());

        var openApi = await host.GetJsonAsync("openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "/api/apps/{app}/deployments", "/api/deployments/{id}/cancel", "/api/apps/{app}/redeploy", "/api/stats" }, paths);
    }

    internal static async Task<HttpResponseMessage> PostAsync(HostProcess host, string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await host.Api.SendAsync(request);
    }

    internal static Task<HttpResponseMessage> PostRawAsync(HostProcess host, string path, string json) =>
        host.Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    internal static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string detailContains)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detailContains, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString());
        }
    }

    private static async Task WaitForStatusAsync(HostProcess host, long id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await host.GetJsonAsync($"api/deployments/{id}")).GetProperty("status").GetString() != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"deployment {id} never reached {status}:{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }
    }
}
