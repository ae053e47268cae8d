using System.Diagnostics;
using Cutover.Tests.E2E.Engine;
using Cutover.Tests.E2E.Takeover;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Install;

/// <summary>
/// scripts/install.sh under a real systemd: install, serve an app, upgrade in place under load, uninstall.
/// The binary is dist/cutover (scripts/publish.sh); the machine is a systemd container on the host's network and Docker.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class InstallTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private SystemdMachine? _machine;
    private string? _app;

    [Fact]
    public async Task InstallThenUpgradeUnderLoad_FailsNoRequest_AndUninstallKeepsTheData()
    {
        Assert.True(File.Exists(Path.Combine(Repository.Root, "dist", "cutover")), "dist/cutover is missing: build it with scripts/publish.sh (scripts/test.sh does)");
        _machine = await SystemdMachine.StartAsync($"cutover-e2e-install-{_suffix}");
        var machine = _machine;
        var admin = $"http://127.0.0.1:{LoopbackPorts.Next()}";
        // An operator's drop-in, which install.sh leaves alone: the host's network is shared, so not the default admin port.
        await machine.WriteFileAsync("/etc/systemd/system/cutover@.service.d/e2e.conf", $"[Service]\nEnvironment=Cutover__AdminUrl={admin}\nEnvironment=Cutover__StopTimeout=00:00:02\n");

        var install = await machine.ExecAsync("/src/scripts/install.sh");
        output.WriteLine(install.Output + install.Error);
        Assert.True(install.ExitCode == 0, $"install.sh failed ({install.ExitCode}): {install.Output}{install.Error}");
        // Type=notify: "active" only once the host said READY=1.
        Assert.Equal("active", await machine.UnitAsync("cutover@a", "ActiveState"));
        Assert.Equal("enabled", await machine.UnitAsync("cutover@a", "UnitFileState"));
        Assert.Equal("700 cutover", (await machine.ExecAsync("stat", "-c", "%a %U", "/var/lib/cutover")).Output.Trim());

        // A generous health deadline: this test runs beside others on a small machine, and a slow start is not what it checks.
        var app = AppsYaml.Fresh($"install-{_suffix}", DemoImages.V1) with { Health = "{ path: /health, interval: 500ms, timeout: 2s, healthy_after: 2, deadline: 60s }" };
        _app = app.App;
        await machine.WriteFileAsync("/etc/cutover/apps.yaml", app.ToString());
        await WaitUntilServedAsync(app.Url);
        var deploy = await machine.ExecAsync("cutover", "--url", admin, "deploy", app.App, DemoImages.V2, "--wait");
        Assert.True(deploy.ExitCode == 0, $"cutover deploy: {deploy.Output}{deploy.Error}");

        // 8 workers at 25 requests a second: 200 req/s, half on kept-alive connections, through the upgrade and 2 s past it.
        var loadLimit = TimeSpan.FromMinutes(4);
        var upgrade = Stopwatch.StartNew();
        ToolRun again;
        await using (var load = new SteadyLoad(app.Url, workers: 8, interval: TimeSpan.FromMilliseconds(40), limit: loadLimit))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            upgrade.Restart();
            again = await machine.ExecAsync("/src/scripts/install.sh", "--binary", "/src/dist/cutover");
            upgrade.Stop();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await load.StopAsync();
            output.WriteLine(again.Output + again.Error);
            var sent = load.Ok + load.Failed + load.Errors;
            output.WriteLine($"upgrade: install.sh took {upgrade.Elapsed.TotalSeconds:0.0}s; {sent} requests, {load.Ok} ok, {load.Failed} failed, {load.Errors} connection errors");
            Assert.True(again.ExitCode == 0, $"install.sh (upgrade) failed ({again.ExitCode}): {again.Output}{again.Error}");
            Assert.True(upgrade.Elapsed < loadLimit - TimeSpan.FromSeconds(5), $"the load stopped by its own limit before the upgrade ended ({upgrade.Elapsed})");
            Assert.True(load.Failed == 0 && load.Errors == 0, $"{load.Failed} failed, {load.Errors} connection errors of {sent}:{Environment.NewLine}{load.Problems}");
            Assert.True(load.Ok > 500, $"only {load.Ok} requests were answered");
        }

        Assert.Contains("before: ", again.Output);
        Assert.Contains("after: ", again.Output);
        Assert.Equal("active", await machine.UnitAsync("cutover@b", "ActiveState"));
        Assert.Equal("enabled", await machine.UnitAsync("cutover@b", "UnitFileState"));
        Assert.Equal("inactive", await machine.UnitAsync("cutover@a", "ActiveState"));
        Assert.Equal("disabled", await machine.UnitAsync("cutover@a", "UnitFileState"));
        Assert.Equal("0", await machine.UnitAsync("cutover@a", "ExecMainStatus"));
        Assert.Equal("success", await machine.UnitAsync("cutover@a", "Result"));
        var journal = (await machine.ExecAsync("journalctl", "-t", "cutover", "--no-pager")).Output;
        Assert.Contains("Took over from pid", journal);
        // READY=1 only once the takeover was done: systemd says "Started" for b after b said it took over, not when it bound.
        var both = (await machine.ExecAsync("journalctl", "-t", "cutover", "-t", "systemd", "--no-pager", "-o", "cat")).Output;
        var tookOver = both.IndexOf("Took over from pid", StringComparison.Ordinal);
        var started = both.IndexOf("Started cutover@b.service", StringComparison.Ordinal);
        Assert.True(tookOver >= 0 && started > tookOver, $"systemd saw cutover@b ready before it took over:{Environment.NewLine}{both}");
        output.WriteLine(string.Join(Environment.NewLine, both.Split('\n').Where(l => l.Contains("cutover@b", StringComparison.Ordinal) || l.Contains("Took over", StringComparison.Ordinal) || l.Contains("Listening beside", StringComparison.Ordinal))));

        var uninstall = await machine.ExecAsync("/src/scripts/install.sh", "--uninstall");
        output.WriteLine(uninstall.Output + uninstall.Error);
        Assert.True(uninstall.ExitCode == 0, $"install.sh --uninstall failed ({uninstall.ExitCode}): {uninstall.Output}{uninstall.Error}");
        Assert.Contains("kept /etc/cutover", uninstall.Output);
        Assert.Equal("inactive", await machine.UnitAsync("cutover@b", "ActiveState"));
        Assert.Equal(0, (await machine.ExecAsync("test", "-s", "/var/lib/cutover/cutover.db")).ExitCode);
        Assert.Equal(0, (await machine.ExecAsync("test", "-s", "/etc/cutover/apps.yaml")).ExitCode);
        Assert.NotEqual(0, (await machine.ExecAsync("test", "-e", "/usr/local/bin/cutover")).ExitCode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_machine is not null)
        {
            await _machine.DisposeAsync();
        }

        // The installed host's containers (uninstall leaves apps running, as it says): only its own instance's.
        if (_app is not null)
        {
            await DemoImages.RunAsync("bash", ["-c",
                $"for i in $(docker ps -a --filter label=cutover.app={_app} --format '{{{{.Label \"cutover.instance\"}}}}' | sort -u); do " +
                "docker ps -aq --filter label=cutover.instance=$i | xargs -r docker rm -f >/dev/null; done"]);
        }
    }

    private static async Task WaitUntilServedAsync(Uri url)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            try
            {
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
        }

        Assert.Fail($"{url} was not served within 60 s");
    }
}
