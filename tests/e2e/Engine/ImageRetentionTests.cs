using Cutover.Tests.E2E.Runtime;

namespace Cutover.Tests.E2E.Engine;

/// <summary>retain_images on a real daemon: pulled images beyond the newest N go once no slot holds them, audited.</summary>
[Collection(DockerCollection.Name)]
public sealed class ImageRetentionTests
{
    [Fact]
    public async Task RetainOne_AfterThreePulledReleases_RemovesTheOldestFromDocker_AndAuditsIt()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var repository = $"cutover-retain/demo-{Guid.NewGuid().ToString("N")[..8]}";
        var v1 = await registry.PushAsync(DemoImages.V1, $"{repository}:v1");
        var v2 = await registry.PushAsync(DemoImages.V2, $"{repository}:v2");
        var v3 = await registry.PushAsync(DemoImages.V1, $"{repository}:v3");
        var app = AppsYaml.Fresh("e2e-retain", v1) with { Pull = "always" };
        try
        {
            await using var host = await HostProcess.StartAsync(app.ToString().Replace("    pull: always\n", "    pull: always\n    retain_images: 1\n", StringComparison.Ordinal));
            host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
            host.AssertStatus("completed", await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, v2)));
            Assert.True(await ExistsAsync(v1), "v1 is held by the slot kept for a rollback");

            host.AssertStatus("completed", await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, v3)));

            Assert.False(await ExistsAsync(v1), $"{v1} is still on disk");
            Assert.True(await ExistsAsync(v2) && await ExistsAsync(v3), "the serving and the kept releases stay");
            Assert.True(await ExistsAsync(DemoImages.V1), "the hand-loaded image under the same id stays");
            var audit = (await host.GetJsonAsync($"api/audit?app={app.App}")).ToString();
            Assert.Contains("image.removed", audit);
            Assert.Contains(v1, audit);
        }
        finally
        {
            await DemoImages.RunAsync("bash", ["-c", $"docker rmi {v1} {v2} {v3} >/dev/null 2>&1 || true"]);
        }
    }

    private static async Task<bool> ExistsAsync(string image) =>
        (await DemoImages.RunAsync("bash", ["-c", $"docker image inspect {image} >/dev/null 2>&1 && echo yes || echo no"])).Trim() == "yes";
}
