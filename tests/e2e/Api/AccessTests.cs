using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Api;

/// <summary>Tokens, the refusal to start exposed without them, and the rate limit on changes.</summary>
[Collection(DockerCollection.Name)]
public sealed class AccessTests
{
    private const string CiToken = "ci-0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Host_BoundBeyondLoopbackWithoutTokens_RefusesToStart_AndSaysWhy()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-exposed", DemoImages.V1).ToString());

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync("--Cutover:AdminUrl=http://0.0.0.0:" + host.AdminPort));

        Assert.Contains("exited with 1", refused.Message);
        Assert.Contains("Cutover:Api:Tokens is empty", refused.Message);
    }

    [Fact]
    public async Task WithTokens_EveryApiCallNeedsARightOne_AndTheDeploymentRecordsItsName()
    {
        var app = AppsYaml.Fresh("e2e-tokens", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:Tokens:0:Name=ci", $"--Cutover:Api:Tokens:0:Token={CiToken}");

        using var missing = await host.Api.GetAsync("api/apps");
        await DeploymentApiTests.AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "Authorization: Bearer");
        using var openApiWithout = await host.Api.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.Unauthorized, openApiWithout.StatusCode);
        host.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CiToken + "x");
        using var wrong = await host.Api.GetAsync("api/apps");
        await DeploymentApiTests.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "not one of");

        host.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CiToken);
        using var openApi = await host.Api.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        await host.WaitForAppDeploymentAsync(app.App);
        using var deploy = await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/deployments?wait=true", new { image = DemoImages.V2 });
        var deployment = await DeploymentApiTests.ReadAsync(deploy);
        Assert.Equal("ci", deployment.GetProperty("requestedBy").GetString());
    }

    [Fact]
    public async Task Changes_OverTheRateLimit_Get429WithRetryAfter_AndReadsStillWork()
    {
        var app = AppsYaml.Fresh("e2e-ratelimit", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:MutationsPerMinute=2", "--Cutover:Api:MutationBurst=2");
        await host.WaitForAppDeploymentAsync(app.App);

        // Two changes are allowed whatever their outcome (here 404 for an unknown app); the third is limited.
        (await DeploymentApiTests.PostAsync(host, "api/apps/nope/deployments", new { image = DemoImages.V2 })).Dispose();
        (await DeploymentApiTests.PostAsync(host, "api/apps/nope/deployments", new { image = DemoImages.V2 })).Dispose();
        using var limited = await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/deployments", new { image = DemoImages.V2 });

        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 60 }, $"Retry-After: {limited.Headers.RetryAfter}");
        await DeploymentApiTests.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "MutationsPerMinute");
        using var read = await host.Api.GetAsync($"api/apps/{app.App}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(1, (await host.GetJsonAsync($"api/apps/{app.App}/deployments")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task FiftyChangesAtOnce_FromOneRequester_AreAllAccepted_AndARunawayLoopIsStillLimited()
    {
        var app = AppsYaml.Fresh("e2e-ratelimit-burst", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        // What a script deploying each of 50 apps at once sends (unknown apps answer 404 at once; each costs a permit).
        var atOnce = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => DeploymentApiTests.PostAsync(host, "api/apps/e2e-nope-burst/deployments", new { image = DemoImages.V2 })));
        Assert.All(atOnce, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Array.ForEach(atOnce, response => response.Dispose());

        // A client that goes on in a loop is refused once the burst is spent (120 by default, refilled one a second).
        var sent = atOnce.Length;
        HttpResponseMessage? limited = null;
        while (limited is null && sent < 200)
        {
            var response = await DeploymentApiTests.PostAsync(host, "api/apps/e2e-nope-burst/deployments", new { image = DemoImages.V2 });
            sent++;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.InRange(sent, 121, 199);
            Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 2 }, $"Retry-After: {limited.Headers.RetryAfter}");
            await DeploymentApiTests.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "MutationBurst");
        }
    }

    [Fact]
    public async Task Changes_CountPerRequester_NotPerUserAgent_AndTheAuditIgnoresTheUserAgent()
    {
        var app = AppsYaml.Fresh("e2e-ratelimit-agent", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:MutationsPerMinute=2", "--Cutover:Api:MutationBurst=2");
        await host.WaitForAppDeploymentAsync(app.App);

        // Unknown apps answer 404 at once; each still costs a permit.
        (await PostAsUserAgentAsync(host, "s3dock/1.0")).Dispose();
        (await PostAsUserAgentAsync(host, "curl/8.5.0")).Dispose();
        using var limited = await PostAsUserAgentAsync(host, "s3dock-renamed/2.0");

        await DeploymentApiTests.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "MutationsPerMinute");
        var refused = (await host.GetJsonAsync("api/audit?app=e2e-nope-agent")).EnumerateArray().ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, entry => Assert.Equal("local", entry.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task CrossSiteRequests_AreRefused_AndToolsWithoutAnOriginKeepWorking()
    {
        var app = AppsYaml.Fresh("e2e-crosssite", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var deployments = $"api/apps/{app.App}/deployments";
        var body = $$"""{"image": "{{DemoImages.V2}}"}""";

        // What a page on evil.example could send: a simple text/plain POST, which needs no CORS preflight.
        using var fromEvil = await SendAsync(host, HttpMethod.Post, deployments, body, "text/plain", ("Origin", "http://evil.example"));
        await DeploymentApiTests.AssertProblemAsync(fromEvil, HttpStatusCode.Forbidden, "is not this host's own");
        using var fromOtherPort = await SendAsync(host, HttpMethod.Post, deployments, body, "application/json", ("Origin", $"http://127.0.0.1:{host.AdminPort + 1}"));
        await DeploymentApiTests.AssertProblemAsync(fromOtherPort, HttpStatusCode.Forbidden, "is not this host's own");
        using var crossSite = await SendAsync(host, HttpMethod.Post, deployments, body, "application/json", ("Sec-Fetch-Site", "cross-site"));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        using var plain = await SendAsync(host, HttpMethod.Post, deployments, body, "text/plain");
        await DeploymentApiTests.AssertProblemAsync(plain, HttpStatusCode.UnsupportedMediaType, "application/json");
        using var circuit = await SendAsync(host, HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1", null, null, ("Origin", "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, circuit.StatusCode);
        using var hub = await SendAsync(host, HttpMethod.Post, "hubs/events/negotiate?negotiateVersion=1", null, null, ("Origin", "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, hub.StatusCode);

        // DNS rebinding: evil.example re-pointed at 127.0.0.1 arrives with its own name.
        using var rebound = await SendAsync(host, HttpMethod.Get, "api/apps", null, null, ("Host", $"evil.example:{host.AdminPort}"));
        await DeploymentApiTests.AssertProblemAsync(rebound, HttpStatusCode.MisdirectedRequest, "evil.example");
        using var reboundConsole = await SendAsync(host, HttpMethod.Get, string.Empty, null, null, ("Host", "evil.example"));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, reboundConsole.StatusCode);
        using var localhost = await SendAsync(host, HttpMethod.Get, "api/apps", null, null, ("Host", $"localhost:{host.AdminPort}"));
        Assert.Equal(HttpStatusCode.OK, localhost.StatusCode);

        // curl -X POST without a body, and the console's own origin, still pass (to a 404: the app is unknown).
        using var bare = await SendAsync(host, HttpMethod.Post, "api/apps/e2e-nope-crosssite/redeploy", null, null);
        await DeploymentApiTests.AssertProblemAsync(bare, HttpStatusCode.NotFound, "e2e-nope-crosssite");
        using var own = await SendAsync(host, HttpMethod.Post, "api/apps/e2e-nope-crosssite/deployments", body, "application/json", ("Origin", $"http://127.0.0.1:{host.AdminPort}"));
        Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);

        Assert.Equal(1, (await host.GetJsonAsync($"api/apps/{app.App}/deployments")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Answers_ForbidFramingAndSniffing_AndBadRequestsNameTheField()
    {
        var app = AppsYaml.Fresh("e2e-headers", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);

        using var console = await host.Api.GetAsync(string.Empty);
        using var api = await host.Api.GetAsync("api/apps");
        using var problem = await host.Api.GetAsync("api/deployments/987654");
        foreach (var answer in new[] { console, api, problem })
        {
            Assert.Equal("nosniff", string.Join(",", answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", string.Join(",", answer.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("same-origin", string.Join(",", answer.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("frame-ancestors 'none'", string.Join(",", answer.Headers.GetValues("Content-Security-Policy")));
        }

        using var number = await DeploymentApiTests.PostRawAsync(host, $"api/apps/{app.App}/deployments", "{\"image\": 5}");
        var detail = await DetailAsync(number, HttpStatusCode.BadRequest);
        Assert.Contains("\"image\" must be a string", detail);
        Assert.DoesNotContain("System.", detail);
        using var limit = await host.Api.GetAsync($"api/apps/{app.App}/health?limit=abc");
        Assert.Contains("\"limit\" must be a whole number", await DetailAsync(limit, HttpStatusCode.BadRequest));
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
    }

    private static Task<HttpResponseMessage> PostAsUserAgentAsync(HostProcess host, string userAgent) =>
        SendAsync(host, HttpMethod.Post, "api/apps/e2e-nope-agent/deployments", $$"""{"image": "{{DemoImages.V2}}"}""", "application/json", ("User-Agent", userAgent));

    private static async Task<HttpResponseMessage> SendAsync(
        HostProcess host, HttpMethod method, string path, string? body, string? contentType, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await host.Api.SendAsync(request);
    }
}
