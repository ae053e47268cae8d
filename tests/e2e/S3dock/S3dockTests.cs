using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.S3dock;

/// <summary>docs/s3dock.md's example script, run as s3dock users would: a docker save archive, loaded and deployed.</summary>
[Collection(DockerCollection.Name)]
public sealed class S3dockTests
{
    private const string S3dockToken = "s3dock-0123456789abcdef0123456789abcdef";

    private static string Script => Path.Combine(Repository.Root, "examples", "s3dock", "deploy-archive.sh");

    [Fact]
    public async Task DeployArchive_LoadsTheImage_DeploysItWithMetadata_AndARerunGetsTheSameDeployment()
    {
        const string Image = "e2e-s3dock:20261125-1030-4f2a9c1";
        var app = AppsYaml.Fresh("e2e-s3dock", DemoImages.V1);
        // The requester is the token's name, never a User-Agent: s3dock gets a token called s3dock.
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:Tokens:0:Name=s3dock", $"--Cutover:Api:Tokens:0:Token={S3dockToken}");
        host.Api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", S3dockToken);
        await host.WaitForAppDeploymentAsync(app.App);
        var archive = Path.Combine(host.Folder, "e2e-s3dock.tar");
        await DemoImages.RunAsync("docker", ["tag", DemoImages.V2, Image]);
        await DemoImages.RunAsync("docker", ["save", "--output", archive, Image]);
        await DemoImages.RunAsync("docker", ["rmi", Image]);
        var env = new Dictionary<string, string> { ["CUTOVER_URL"] = $"http://127.0.0.1:{host.AdminPort}", ["CUTOVER_TOKEN"] = S3dockToken, ["PROMOTED_BY"] = "alice", ["WAIT_SECONDS"] = "120" };

        var first = await ToolRun.RunAsync("bash", [Script, app.App, archive], env);
        var second = await ToolRun.RunAsync("bash", [Script, app.App, archive], env);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches($"^deployment \\d+ of {Image} to {app.App}: completed", first.Output);
        Assert.Equal(first.Output, second.Output);
        var history = await host.GetJsonAsync($"api/apps/{app.App}/deployments");
        Assert.Equal(2, history.GetProperty("total").GetInt32());
        var deployment = history.GetProperty("items")[0];
        Assert.Equal(("s3dock", Image), (deployment.GetProperty("requestedBy").GetString(), deployment.GetProperty("image").GetString()));
        var metadata = deployment.GetProperty("metadata");
        var audited = (await host.GetJsonAsync($"api/audit?app={app.App}&action=deployment.deploy&actor=s3dock")).EnumerateArray().Single();
        Assert.Contains("\"git_hash\":\"4f2a9c1\"", audited.GetProperty("detail").GetString());
        Assert.Equal(("4f2a9c1", "alice", Image), (metadata.GetProperty("git_hash").GetString(), metadata.GetProperty("promoted_by").GetString(), metadata.GetProperty("source_tag").GetString()));
    }

    [Fact]
    public async Task DeployArchive_ExitCodes_SayWhatWentWrong()
    {
        var app = AppsYaml.Fresh("e2e-s3dock-bad", DemoImages.V1) with { Health = "{ path: /health, interval: 250ms, timeout: 1s, healthy_after: 2, deadline: 3s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var archive = Path.Combine(host.Folder, "unhealthy.tar");
        await DemoImages.RunAsync("docker", ["save", "--output", archive, DemoImages.Unhealthy]);
        var env = new Dictionary<string, string> { ["CUTOVER_URL"] = $"http://127.0.0.1:{host.AdminPort}", ["WAIT_SECONDS"] = "60" };

        var usage = await ToolRun.RunAsync("bash", [Script, app.App], env);
        var rolledBack = await ToolRun.RunAsync("bash", [Script, app.App, archive], env);
        var unknownApp = await ToolRun.RunAsync("bash", [Script, "nope", archive], env);
        var unreachable = await ToolRun.RunAsync("bash", [Script, app.App, archive], new Dictionary<string, string> { ["CUTOVER_URL"] = $"http://127.0.0.1:{LoopbackPorts.Next()}" });

        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.True(rolledBack.ExitCode == 1, rolledBack.ToString());
        Assert.Contains("rolled_back", rolledBack.Output);
        Assert.Contains("status 500", rolledBack.Error);
        Assert.True(unknownApp.ExitCode == 4, unknownApp.ToString());
        Assert.Contains("Unknown application", unknownApp.Error);
        Assert.True(unreachable.ExitCode == 3, unreachable.ToString());
    }
}
