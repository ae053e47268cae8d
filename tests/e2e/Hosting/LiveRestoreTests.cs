using System.Text.Json;
using Cutover.Tests.E2E.Cli;
using Cutover.Tests.E2E.Engine;
using Cutover.Tests.E2E.Runtime;

namespace Cutover.Tests.E2E.Hosting;

/// <summary>Docker's live-restore as the real host reads it from the real daemon: the status API, /readyz, <c>cutover status</c> and the log.</summary>
[Collection(DockerCollection.Name)]
public sealed class LiveRestoreTests
{
    private const string OffWarning =
        "Docker live-restore is off: restarting dockerd (a Docker package upgrade does) stops every app container; turn it on: see docs/operations.md";

    [Fact]
    public async Task Status_SaysWhatTheDaemonSays_AndWarnsWhenOff_InTheApiReadyzTheCliAndTheLog()
    {
        // This machine's dockerd runs without live-restore (and is shared: the test never reconfigures it).
        var daemon = bool.Parse((await DockerCli.RunAsync("info", "--format", "{{.LiveRestoreEnabled}}")).Trim());
        await using var host = await HostProcess.StartAsync("apps: {}\n");

        var docker = await EventuallyReadAsync(host);

        Assert.Equal(daemon, docker.GetProperty("liveRestore").GetBoolean());
        var readyz = await host.GetJsonAsync("readyz");
        var check = readyz.GetProperty("checks").GetProperty("live_restore");
        Assert.True(check.GetProperty("ok").GetBoolean());
        var cli = await CliProcess.RunAsync(null, "--url", $"http://127.0.0.1:{host.AdminPort}", "status");
        Assert.Equal(0, cli.ExitCode);
        if (daemon)
        {
            Assert.Equal(JsonValueKind.Null, docker.GetProperty("warning").ValueKind);
            Assert.Contains("docker live-restore: on", cli.Out);
        }
        else
        {
            Assert.Equal(OffWarning, docker.GetProperty("warning").GetString());
            Assert.Equal(OffWarning, check.GetProperty("detail").GetString());
            Assert.Contains("docker live-restore: off", cli.Out);
            Assert.Contains($"warning: {OffWarning}", cli.Out);
            Assert.Single(host.Output.Split('\n'), line => line.Contains(OffWarning, StringComparison.Ordinal));
        }
    }

    /// <summary>The host reads the setting once it has reconciled with Docker, a moment after it answers.</summary>
    private static async Task<JsonElement> EventuallyReadAsync(HostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var docker = (await host.GetJsonAsync("api/status")).GetProperty("docker");
            if (docker.GetProperty("liveRestore").ValueKind != JsonValueKind.Null)
            {
                return docker;
            }

            Assert.True(DateTime.UtcNow < deadline, $"live-restore not read within 30 s: {docker}{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }
    }
}
