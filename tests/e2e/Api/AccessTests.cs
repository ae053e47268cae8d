using System.Net;
using System.Net.Http.Headers;
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
        host.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CiToken + "x");
        using var wrong = await host.Api.GetAsync("api/apps");
        await DeploymentApiTests.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "not one of");

        host.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CiToken);
        await host.WaitForAppDeploymentAsync(app.App);
        using var deploy = await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/deployments?wait=true", new { image = DemoImages.V2 });
        var deployment = await DeploymentApiTests.ReadAsync(deploy);
        Assert.Equal("ci", deployment.GetProperty("requestedBy").GetString());
    }

    [Fact]
    public async Task Changes_OverTheRateLimit_Get429WithRetryAfter_AndReadsStillWork()
    {
        var app = AppsYaml.Fresh("e2e-ratelimit", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:MutationsPerMinute=2");
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
}
