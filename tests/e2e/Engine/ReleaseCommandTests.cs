using System.Diagnostics;
using System.Text.Json;
using Cutover.Tests.E2E.Cli;

namespace Cutover.Tests.E2E.Engine;

/// <summary>apps.yaml's release command against the real Docker Engine: a one-off container of the new image before its slot starts.</summary>
[Collection(DockerCollection.Name)]
public sealed class ReleaseCommandTests
{
    // The demo app with a static busybox beside it, and no ENTRYPOINT: the slot runs /app/demo (the CMD), the
    // release command runs a shell. Built FROM the demo images, so the version each answers with is its own.
    internal const string ReleaseV1 = "cutover-demo:e2e-release-v1";
    internal const string ReleaseV2 = "cutover-demo:e2e-release-v2";

    // Fails on v2 only, as a migration that breaks would: the first deployment passes, the second must not switch.
    // v2 first waits 2 s, so that `deploy --wait` (a process of its own) is following the events when it prints.
    // Its error comes a second after its first line: Docker orders stdout and stderr lines only as its two copiers
    // write them, so two lines printed at once on different streams may be stored either way round.
    private const string Command =
        """["/bin/busybox", "sh", "-c", "[ \"$DEMO_VERSION\" != v2 ] || sleep 2; echo migrating $DB_NAME to $DEMO_VERSION; if [ \"$DEMO_VERSION\" = v2 ]; then sleep 1; echo 'ERROR: migration 002 failed' >&2; exit 3; fi; echo migrated"]""";

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static bool _built;

    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Release_ThatSucceeds_IsStoredWithTheDeployment_AndOneThatExitsNonZero_FailsIt_WithTheOldSlotServing()
    {
        await BuildImagesAsync();
        var app = AppsYaml.Fresh("e2e-relcmd", ReleaseV1) with { Container = "{ port: 8080, env: { DB_NAME: shopdb } }" };
        await using var host = await HostProcess.StartAsync(WithRelease(app, Command, "30s"));

        var first = await host.WaitForAppDeploymentAsync(app.App);
        host.AssertStatus("completed", first);
        Assert.Equal(
            ["queued", "pulling", "releasing", "starting", "health_checking", "switching", "completed"],
            first.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        var output = await host.GetJsonAsync($"api/deployments/{first.GetProperty("id").GetInt64()}/release-output");
        Assert.Equal(["migrating shopdb to v1", "migrated"], output.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(0, output.GetProperty("exitCode").GetInt64());

        var run = await CliProcess.RunAsync($"http://127.0.0.1:{host.AdminPort}", "deploy", app.App, ReleaseV2, "--wait", "--timeout", "120");
        var id = (await host.GetJsonAsync($"api/apps/{app.App}/deployments")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var failed = await host.WaitForDeploymentAsync(id);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("release | migrating shopdb to v2", run.Out);
        Assert.Contains("release | ERROR: migration 002 failed", run.Out);
        host.AssertStatus("failed", failed);
        Assert.Equal(
            "the release command `/bin/busybox sh -c " + CommandScript() + "` exited with code 3, nothing switched; last output: ERROR: migration 002 failed",
            failed.GetProperty("error").GetString());
        Assert.DoesNotContain("starting", failed.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));
        var failedOutput = await host.GetJsonAsync($"api/deployments/{id}/release-output");
        Assert.Equal(3, failedOutput.GetProperty("exitCode").GetInt64());
        Assert.Contains("ERROR: migration 002 failed", failedOutput.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));

        // Only the serving slot's container is left: no release container, and green was never created.
        Assert.Equal([$"cutover-{app.App}-blue running"], await ContainersOfAsync(app.App));
    }

    [Fact]
    public async Task KillWhileReleasing_Restart_RollsTheDeploymentBack_AndRemovesTheReleaseContainer()
    {
        await BuildImagesAsync();
        var app = AppsYaml.Fresh("e2e-relcmd-crash", ReleaseV1);
        var slow = """["/bin/busybox", "sh", "-c", "if [ \"$DEMO_VERSION\" = v2 ]; then echo holding the lock; sleep 120; fi"]""";
        await using var host = await HostProcess.StartAsync(WithRelease(app, slow, "5m"));
        await host.WaitForAppDeploymentAsync(app.App);
        var id = await host.DeployAsync(app.App, ReleaseV2);
        await WaitForStatusAsync(host, id, "releasing");
        await WaitUntilAsync(async () => (await ContainersOfAsync(app.App)).Contains($"cutover-{app.App}-release-{id} running"), "the release container runs");

        await host.KillAsync();
        await host.StartAsync();

        var deployment = await host.WaitForDeploymentAsync(id);
        host.AssertStatus("rolled_back", deployment);
        Assert.Contains("interrupted by a restart while releasing", deployment.GetProperty("error").GetString());
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));
        await WaitUntilAsync(async () => await ContainersOfAsync(app.App) is [var only] && only == $"cutover-{app.App}-blue running", "only blue is left");
    }

    private static string CommandScript() =>
        JsonDocument.Parse(Command).RootElement[3].GetString()!;

    private static string WithRelease(AppsYaml app, string command, string timeout) =>
        "apps:\n" + app.Entry + $"\n    release: {{ command: {command}, timeout: {timeout} }}\n";

    private static async Task<string[]> ContainersOfAsync(string app)
    {
        var listed = await DemoImages.RunAsync("docker", ["ps", "-a", "--filter", $"label=cutover.app={app}", "--format", "{{.Names}} {{.State}}"]);
        return [.. listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order()];
    }

    private static async Task WaitForStatusAsync(HostProcess host, long id, string status)
    {
        await WaitUntilAsync(async () => (await host.GetJsonAsync($"api/deployments/{id}")).GetProperty("status").GetString() == status, $"deployment {id} is {status}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"waited 60 s until {what}");
            await Task.Delay(100);
        }
    }

    internal static async Task BuildImagesAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (!_built)
            {
                await BuildAsync(DemoImages.V1, ReleaseV1);
                await BuildAsync(DemoImages.V2, ReleaseV2);
                _built = true;
            }
        }
        finally
        {
            Building.Release();
        }
    }

    private static async Task BuildAsync(string from, string tag)
    {
        var context = Directory.CreateTempSubdirectory("cutover-release-image-").FullName;
        try
        {
            File.Copy("/bin/busybox", Path.Combine(context, "busybox"));
            await File.WriteAllTextAsync(
                Path.Combine(context, "Dockerfile"),
                $"FROM {from}\nCOPY busybox /bin/busybox\nENTRYPOINT []\nCMD [\"/app/demo\"]\n");
            await DemoImages.RunAsync("docker", ["build", "-q", "-t", tag, context]);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
