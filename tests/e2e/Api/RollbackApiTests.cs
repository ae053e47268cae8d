using System.Net;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;
using static Cutover.Tests.E2E.Api.DeploymentApiTests;

namespace Cutover.Tests.E2E.Api;

/// <summary>Rollback against the real host and real Docker: it goes to the previous release, says where first, and starts it again when its container is gone.</summary>
[Collection(DockerCollection.Name)]
public sealed class RollbackApiTests
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task DeployV2_Redeploy_Rollback_ServesV1_ThenTo_AndAGoneContainer_StartTheReleaseAgain()
    {
        var app = AppsYaml.Fresh("e2e-api-rollback", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        var v1 = (await host.WaitForAppDeploymentAsync(app.App)).GetProperty("id").GetInt64();
        var v2 = await CompletedAsync(host, await PostAsync(host, $"api/apps/{app.App}/deployments?wait=true", new { image = DemoImages.V2 }));
        await CompletedAsync(host, await host.Api.PostAsync($"api/apps/{app.App}/redeploy?wait=true", null));

        var plan = await host.GetJsonAsync($"api/apps/{app.App}/rollback");
        Assert.Equal((DemoImages.V2, DemoImages.V1, v1), (plan.GetProperty("serving").GetString(), Target(plan).Image, Target(plan).Id));

        var rolledBack = await ReadAsync(await PostAsync(host, $"api/apps/{app.App}/rollback?wait=true", new { reason = "v2 looks wrong" }));
        host.AssertStatus("completed", rolledBack);
        Assert.Equal(DemoImages.V1, rolledBack.GetProperty("image").GetString());
        Assert.StartsWith("demo v1", await Client.GetStringAsync(app.Url));

        // Bad or impossible targets: refused with why, nothing started.
        await AssertProblemAsync(await PostAsync(host, $"api/apps/{app.App}/rollback", new { to = 987654 }), HttpStatusCode.NotFound, "There is no deployment 987654.");
        await AssertProblemAsync(await PostAsync(host, $"api/apps/{app.App}/rollback", new { to = "Not An Image" }), HttpStatusCode.BadRequest, "not a valid image reference");
        await AssertProblemAsync(await PostAsync(host, $"api/apps/{app.App}/rollback", new { to = true }), HttpStatusCode.BadRequest, "a deployment id");
        await AssertProblemAsync(await PostAsync(host, $"api/apps/{app.App}/rollback", new { to = v1 }), HttpStatusCode.Conflict, $"already serves {DemoImages.V1}");
        await AssertProblemAsync(await host.Api.GetAsync($"api/apps/{app.App}/rollback?to=cutover-demo:never"), HttpStatusCode.Conflict, "never completed a deployment");

        // The kept v2 container is removed behind Cutover's back: a rollback to v2 starts the image again.
        var status = await host.GetJsonAsync($"api/apps/{app.App}");
        var idle = status.GetProperty("slots").EnumerateArray().Single(s => !s.GetProperty("active").GetBoolean());
        Assert.Equal(DemoImages.V2, idle.GetProperty("image").GetString());
        await DemoImages.RunAsync("docker", ["rm", "-f", idle.GetProperty("containerId").GetString()!]);

        var back = await ReadAsync(await PostAsync(host, $"api/apps/{app.App}/rollback?wait=true", new { to = v2 }));
        host.AssertStatus("completed", back);
        Assert.Equal(DemoImages.V2, back.GetProperty("image").GetString());
        Assert.Contains(back.GetProperty("steps").EnumerateArray(), s => s.GetProperty("message").GetString()!.Contains("is gone"));
        Assert.StartsWith("demo v2", await Client.GetStringAsync(app.Url));
    }

    private static (string? Image, long Id) Target(JsonElement plan) =>
        (plan.GetProperty("target").GetProperty("image").GetString(), plan.GetProperty("target").GetProperty("deploymentId").GetInt64());

    private static async Task<long> CompletedAsync(HostProcess host, HttpResponseMessage response)
    {
        using (response)
        {
            var deployment = await ReadAsync(response);
            host.AssertStatus("completed", deployment);
            return deployment.GetProperty("id").GetInt64();
        }
    }
}
