using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Cutover.Tests.E2E.Engine;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Takeover;

/// <remarks>
/// App names do not start with <c>e2e-</c>: <see cref="HostProcess"/> removes every such container when a test of
/// another worker on this daemon ends, which once took this test's container away mid-load (502s, not the takeover).
/// </remarks>
[Collection(DockerCollection.Name)]
public sealed partial class TakeoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-e2e-takeover-").FullName;
    private readonly int _adminPort = LoopbackPorts.Next();
    private readonly List<HostRun> _hosts = [];

    [Fact]
    public async Task ThreeTakeoversUnderSteadyLoad_FailNoRequest_AndKeepTheContainerRunning()
    {
        var app = AppsYaml.Fresh("takeover-load", DemoImages.V1) with { Drain = "{ timeout: 10s, websocket_timeout: 2s }" };
        await File.WriteAllTextAsync(Path.Combine(_folder, "apps.yaml"), app.ToString());
        var current = Start();
        await WaitUntilServedAsync(app.Url);
        var container = await ContainersAsync(app.App);

        // 8 workers at 20 requests a second each: the rate at which a plain restart refused 308 of 3,155 requests.
        await using var load = new SteadyLoad(app.Url, workers: 8, interval: TimeSpan.FromMilliseconds(50), limit: TimeSpan.FromMinutes(4));
        await Task.Delay(TimeSpan.FromSeconds(2));
        for (var n = 1; n <= 3; n++)
        {
            var launched = Stopwatch.StartNew();
            var next = Start("--Cutover:Takeover=true");
            var exitCode = await current.WaitForExitAsync(TimeSpan.FromSeconds(90));
            var oldGoneAfter = launched.Elapsed;

            Assert.True(exitCode == 0, $"the old host exited with {exitCode}:{Environment.NewLine}{current.Output}");
            await next.WaitForOutputAsync("Took over from pid", TimeSpan.FromSeconds(10));
            await next.WaitForOutputAsync("Reconciled state with Docker", TimeSpan.FromSeconds(30));
            output.WriteLine($"takeover {n}: the old host exited 0 {oldGoneAfter.TotalSeconds:0.0}s after the new one was launched; " +
                $"SIGTERM to lock {TookOver(next):0.00}s; so far {load.Ok} ok, {load.Failed} failed, {load.Errors} connection errors");
            current = next;
            await Task.Delay(TimeSpan.FromSeconds(3));
        }

        await load.StopAsync();
        output.WriteLine($"three takeovers: {load.Ok + load.Failed + load.Errors} requests, {load.Ok} ok, {load.Failed} failed, {load.Errors} connection errors");
        Assert.True(load.Failed == 0 && load.Errors == 0, $"{load.Failed} failed, {load.Errors} connection errors of {load.Ok + load.Failed + load.Errors}:{Environment.NewLine}{load.Problems}");
        Assert.True(load.Ok > 1_000, $"only {load.Ok} requests were answered");
        // The same container served throughout: no takeover stopped or replaced it.
        Assert.Equal(container, await ContainersAsync(app.App));
    }

    [Fact]
    public async Task SecondHostWithoutTakeover_ExitsOne_WithOneLineNamingTheRunningHost()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "apps.yaml"), "apps: {}\n");
        var running = Start();
        await running.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));

        var second = Start();
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(second.Errors);
        Assert.Contains($"pid {running.ProcessId}", line);
        Assert.Contains($"admin http://127.0.0.1:{_adminPort}", line);
        Assert.Contains(Path.Combine(_folder, "cutover.db"), line);
        Assert.Contains("Cutover:Takeover=true", line);
        Assert.False(running.HasExited, "the running host must not be disturbed");
    }

    [Fact]
    public async Task Sigterm_LetsASlowRequestFinish_ExitsZero_AndLeavesTheContainerRunning()
    {
        var app = AppsYaml.Fresh("takeover-stop", DemoImages.V1);
        await File.WriteAllTextAsync(Path.Combine(_folder, "apps.yaml"), app.ToString());
        var host = Start();
        await WaitUntilServedAsync(app.Url);
        var container = await ContainersAsync(app.App);

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var slow = client.GetAsync(new Uri(app.Url, "slow?ms=3000"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var stopping = Stopwatch.StartNew();
        await host.TerminateAsync();

        using var response = await slow;
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"SIGTERM with a 3 s request 1 s in: answered {(int)response.StatusCode}, exited {exitCode} after {stopping.Elapsed.TotalSeconds:0.0}s");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, exitCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(app.Url));
        Assert.Equal(container, await ContainersAsync(app.App));
    }

    [Fact]
    public async Task Sigterm_KeepsAnOpenWebSocketUntilItsDrainTimeout_ThenCutsIt_AndExitsZero()
    {
        var app = AppsYaml.Fresh("takeover-ws", DemoImages.V1) with { Drain = "{ timeout: 10s, websocket_timeout: 3s }" };
        await File.WriteAllTextAsync(Path.Combine(_folder, "apps.yaml"), app.ToString());
        var host = Start();
        await WaitUntilServedAsync(app.Url);

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{app.Listen}/ws"), CancellationToken.None);
        var stopping = Stopwatch.StartNew();
        await host.TerminateAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Still open and echoing during the drain.
        await socket.SendAsync("ping"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[16];
        var echoed = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("ping", System.Text.Encoding.UTF8.GetString(buffer, 0, echoed.Count));

        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(20));
        var exitedAfter = stopping.Elapsed;
        output.WriteLine($"SIGTERM with an open WebSocket (websocket_timeout 3s): exited {exitCode} after {exitedAfter.TotalSeconds:0.0}s");
        Assert.Equal(0, exitCode);
        Assert.True(exitedAfter >= TimeSpan.FromSeconds(3) && exitedAfter < TimeSpan.FromSeconds(3 + 4), $"exited after {exitedAfter}");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await DemoImages.RunAsync("bash", ["-c", "docker ps -aq --filter label=cutover.app | xargs -r docker inspect --format '{{.Id}} {{index .Config.Labels \"cutover.app\"}}' | grep -E ' takeover-(load|stop|ws)$' | cut -d' ' -f1 | xargs -r docker rm -f >/dev/null"]);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private HostRun Start(params string[] args)
    {
        var host = HostRun.Start(_folder, _adminPort, args);
        _hosts.Add(host);
        return host;
    }

    private static async Task WaitUntilServedAsync(Uri url)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await client.GetStringAsync(url)).StartsWith("demo v1", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"{url} never served demo v1");
            await Task.Delay(200);
        }
    }

    /// <summary>The app's running containers, by full id.</summary>
    private static async Task<string> ContainersAsync(string app) =>
        (await DemoImages.RunAsync("docker", ["ps", "-q", "--no-trunc", "--filter", $"label=cutover.app={app}", "--filter", "status=running"])).Trim();

    private static double TookOver(HostRun host) =>
        TookOverLog().Match(host.Output) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;

    [GeneratedRegex(@"Took over from pid \d+ in ([0-9.]+)s")]
    private static partial Regex TookOverLog();
}
