using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Cutover.Tests.E2E.Cli;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Engine;

/// <summary>
/// Progressive delivery through the real host, its real proxy and real containers: manual promotion with a preview,
/// a sticky canary, analysis aborting a bad canary, the post-switch watch switching back, abort and restart while paused.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ProgressiveDeliveryTests
{
    // v2 built again with DEMO_BREAK_AFTER_MS: "/" answers 500 while /health stays healthy, from the start or later.
    internal const string BrokenV2 = "cutover-demo:e2e-broken-v2";
    internal const string BreaksLaterV2 = "cutover-demo:e2e-breaks-later-v2";

    // Long enough for the slot to start, pass its health checks (250 ms × 2) and take the full switch; well short of the watch.
    private const int BreakAfterMs = 10_000;

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static bool _built;

    // No cookies kept: each request is a new client unless it sends a cookie itself.
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ITestOutputHelper _output;

    public ProgressiveDeliveryTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task ManualPromotion_PausesWithV2OnThePreviewOnly_AndPromoteSwitches_AndClosesThePreview()
    {
        var app = AppsYaml.Fresh("e2e-pd-manual", DemoImages.V1);
        var preview = LoopbackPorts.Next();
        await using var host = await HostProcess.StartAsync(Yaml(app, "promotion: manual", "preview:", $"  listen: 127.0.0.1:{preview}"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));

        var id = await host.DeployAsync(app.App, DemoImages.V2);
        await WaitForStatusAsync(host, id, "paused");

        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));
        Assert.StartsWith("demo v2", await _client.GetStringAsync(PreviewUrl(preview)));

        var promoted = await PostAsync(host, $"api/deployments/{id}/promote");
        var deployment = await host.WaitForDeploymentAsync(id);

        host.AssertStatus("completed", deployment);
        Assert.Equal(HttpStatusCode.Accepted, promoted);
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        await AssertRefusedAsync(preview);
        Assert.Contains("paused", Statuses(deployment));
    }

    [Fact]
    public async Task StickyCanaryAt20Percent_SendsAboutAFifthOfNewClientsToV2_KeepsCookiedClients_AndFullPromoteCompletes()
    {
        var app = AppsYaml.Fresh("e2e-pd-canary", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(Yaml(app, "strategy: canary", "canary:", "  steps:", "    - { weight: 20, pause: manual }", "  sticky: true"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));

        var id = await host.DeployAsync(app.App, DemoImages.V2);
        var paused = await WaitForStatusAsync(host, id, "paused");
        Assert.Equal(20, paused.GetProperty("canaryWeight").GetInt32());

        const int newClients = 300;
        var versions = new Dictionary<string, int>();
        var cookies = new Dictionary<string, string>();
        for (var i = 0; i < newClients; i++)
        {
            using var response = await _client.GetAsync(app.Url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var version = response.Headers.GetValues("X-Demo-Version").Single();
            versions[version] = versions.GetValueOrDefault(version) + 1;
            var cookie = response.Headers.GetValues("Set-Cookie").Single();
            cookies.TryAdd(version, cookie.Split(';')[0]);
        }

        // 20% of 300 is 60; a binomial spread of ±7: ±24 is about 3.5 of it, so this fails by chance about once in 2000 runs.
        var v2 = versions.GetValueOrDefault("v2");
        _output.WriteLine($"new clients at 20%: {string.Join(", ", versions.OrderBy(v => v.Key))}");
        Assert.True(v2 is >= 36 and <= 84, $"v2 got {v2} of {newClients} new clients: {string.Join(", ", versions)}");
        Assert.Equal(newClients, versions.GetValueOrDefault("v1") + v2);

        foreach (var (version, cookie) in cookies)
        {
            for (var i = 0; i < 30; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, app.Url);
                request.Headers.Add("Cookie", cookie);
                using var response = await _client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(version, response.Headers.GetValues("X-Demo-Version").Single());
            }
        }

        Assert.Equal(["v1", "v2"], cookies.Keys.Order());
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(host, $"api/deployments/{id}/promote?full=true"));
        var deployment = await host.WaitForDeploymentAsync(id);

        host.AssertStatus("completed", deployment);
        for (var i = 0; i < 30; i++)
        {
            // A cookie for the old slot no longer routes anywhere but the one serving slot.
            using var request = new HttpRequestMessage(HttpMethod.Get, app.Url);
            request.Headers.Add("Cookie", cookies["v1"]);
            using var response = await _client.SendAsync(request);
            Assert.Equal("v2", response.Headers.GetValues("X-Demo-Version").Single());
        }
    }

    [Fact]
    public async Task CanaryThatAnswers500_IsAbortedByAnalysisUnderLoad_WithItsFigures_AndV1ServesEverything()
    {
        await BuildImagesAsync();
        var app = AppsYaml.Fresh("e2e-pd-abort", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(Yaml(
            app,
            "strategy: canary",
            "canary:",
            "  steps:",
            "    - { weight: 50, pause: 30s }",
            "analysis:",
            "  interval: 2s",
            "  min_requests: 10",
            "  max_error_rate: 5%"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));

        await using var load = Load.Start(_client, app.Url, limit: TimeSpan.FromSeconds(60));
        var id = await host.DeployAsync(app.App, BrokenV2);
        var deployment = await host.WaitForDeploymentAsync(id, TimeSpan.FromSeconds(60));
        await load.StopAsync();

        _output.WriteLine($"{deployment.GetProperty("error")}; load: {load}");
        host.AssertStatus("rolled_back", deployment);
        var error = deployment.GetProperty("error").GetString()!;
        Assert.Matches(@"^analysis failed at 50%: error rate 100\.0% \((\d+) of \1\) > 5%", error);
        Assert.Contains("canary", Statuses(deployment));
        Assert.DoesNotContain("switching", Statuses(deployment));
        Assert.True(load.Seen("v2", 500) > 0, load.ToString());
        Assert.Equal(0, load.Seen("v1", 500));
        await AssertAllV1Async(app.Url);
        Assert.Equal([$"cutover-{app.App}-blue"], await RunningContainersAsync(app.App));
    }

    [Fact]
    public async Task ReleaseThatBreaksAfterTheSwitch_IsSwitchedBackDuringTheWatch_ToTheV1ContainerStillRunning()
    {
        await BuildImagesAsync();
        var app = AppsYaml.Fresh("e2e-pd-watch", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(Yaml(
            app,
            "watch:",
            "  duration: 30s",
            "analysis:",
            "  interval: 2s",
            "  min_requests: 10",
            "  max_error_rate: 5%"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var v1Started = await StartedAtAsync($"cutover-{app.App}-blue");

        await using var load = Load.Start(_client, app.Url, limit: TimeSpan.FromSeconds(70));
        var deployed = Stopwatch.StartNew();
        var id = await host.DeployAsync(app.App, BreaksLaterV2);
        await WaitForStatusAsync(host, id, "watching", TimeSpan.FromSeconds(60));
        var watchingAfter = deployed.Elapsed;
        // Both slots run during the watch: the old one drained, not stopped.
        Assert.Equal([$"cutover-{app.App}-blue", $"cutover-{app.App}-green"], await RunningContainersAsync(app.App));
        var deployment = await host.WaitForDeploymentAsync(id, TimeSpan.FromSeconds(60));
        var firstAnswer = Stopwatch.StartNew();
        using (var after = await _client.GetAsync(app.Url))
        {
            var firstAnswerTook = firstAnswer.Elapsed;
            _output.WriteLine($"watching {watchingAfter} after the deploy; v1's first answer after the switch back took {firstAnswerTook}");
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.StartsWith("demo v1", await after.Content.ReadAsStringAsync());
            Assert.True(firstAnswerTook < TimeSpan.FromSeconds(1), $"v1's first answer after the switch back took {firstAnswerTook}");
        }

        await load.StopAsync();

        _output.WriteLine($"{deployment.GetProperty("error")}; load: {load}");
        host.AssertStatus("rolled_back", deployment);
        Assert.True(watchingAfter < TimeSpan.FromMilliseconds(BreakAfterMs), $"watching only {watchingAfter} after the deploy: the release broke before the switch");
        Assert.Matches(@"^analysis failed during the watch: error rate \d+(\.\d)?% \(\d+ of \d+\) > 5%", deployment.GetProperty("error").GetString());
        Assert.Equal(["queued", "pulling", "starting", "health_checking", "switching", "draining", "watching", "rolled_back"], Statuses(deployment));
        Assert.True(load.Seen("v2", 200) > 0 && load.Seen("v2", 500) > 0, load.ToString());
        Assert.Equal(0, load.Seen("v1", 500));
        await AssertAllV1Async(app.Url);
        Assert.Equal([$"cutover-{app.App}-blue"], await RunningContainersAsync(app.App));
        // Switched back to the same v1 process: no cold start.
        Assert.Equal(v1Started, await StartedAtAsync($"cutover-{app.App}-blue"));
    }

    [Fact]
    public async Task AbortFromTheCli_WhilePaused_RollsBack_AndV1Serves()
    {
        var app = AppsYaml.Fresh("e2e-pd-cli-abort", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(Yaml(app, "promotion: manual"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        await WaitForStatusAsync(host, id, "paused");

        var run = await CliProcess.RunAsync($"http://127.0.0.1:{host.AdminPort}", "abort", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deployment = await host.WaitForDeploymentAsync(id);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("abort requested", run.Out);
        host.AssertStatus("rolled_back", deployment);
        await AssertAllV1Async(app.Url);
        Assert.Equal([$"cutover-{app.App}-blue"], await RunningContainersAsync(app.App));
    }

    [Fact]
    public async Task KillWhilePaused_Restart_StaysPaused_WithThePreviewBack_AndPromoteCompletes()
    {
        var app = AppsYaml.Fresh("e2e-pd-restart", DemoImages.V1);
        var preview = LoopbackPorts.Next();
        await using var host = await HostProcess.StartAsync(Yaml(app, "promotion: manual", "preview:", $"  listen: 127.0.0.1:{preview}"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        await WaitForStatusAsync(host, id, "paused");
        Assert.StartsWith("demo v2", await _client.GetStringAsync(PreviewUrl(preview)));

        await host.KillAsync();
        await host.StartAsync();

        Assert.StartsWith("demo v1", await AnswerAsync(app.Url));
        Assert.StartsWith("demo v2", await AnswerAsync(PreviewUrl(preview)));
        host.AssertStatus("paused", await host.GetJsonAsync($"api/deployments/{id}"));

        await host.WaitUntilReadyAsync();
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(host, $"api/deployments/{id}/promote"));
        var deployment = await host.WaitForDeploymentAsync(id);

        host.AssertStatus("completed", deployment);
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        await AssertRefusedAsync(preview);
        Assert.Equal([$"cutover-{app.App}-green"], await RunningContainersAsync(app.App));
    }

    [Fact]
    public async Task KillDuringAStickyCanaryPause_Restart_RestoresTheWeightAndTheCookies_AndFullPromoteCompletes()
    {
        var app = AppsYaml.Fresh("e2e-pd-canary-restart", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(Yaml(app, "strategy: canary", "canary:", "  steps:", "    - { weight: 20, pause: manual }", "  sticky: true"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        await WaitForStatusAsync(host, id, "paused");
        var cookies = new Dictionary<string, string>();
        for (var i = 0; i < 100 && cookies.Count < 2; i++)
        {
            using var response = await _client.GetAsync(app.Url);
            cookies.TryAdd(response.Headers.GetValues("X-Demo-Version").Single(), response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        }

        Assert.Equal(["v1", "v2"], cookies.Keys.Order());

        await host.KillAsync();
        await host.StartAsync();
        await AnswerAsync(app.Url);

        var paused = await host.GetJsonAsync($"api/deployments/{id}");
        host.AssertStatus("paused", paused);
        Assert.Equal(20, paused.GetProperty("canaryWeight").GetInt32());
        var v2 = 0;
        for (var i = 0; i < 100; i++)
        {
            using var response = await _client.GetAsync(app.Url);
            v2 += response.Headers.GetValues("X-Demo-Version").Single() == "v2" ? 1 : 0;
        }

        _output.WriteLine($"v2 got {v2} of 100 new clients after the restart");
        // 20 expected, spread ±4: outside 5-40 the split was not restored (0) or not weighted.
        Assert.True(v2 is >= 5 and <= 40, $"v2 got {v2} of 100 new clients after the restart");
        foreach (var (version, cookie) in cookies)
        {
            for (var i = 0; i < 10; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, app.Url);
                request.Headers.Add("Cookie", cookie);
                using var response = await _client.SendAsync(request);
                Assert.Equal(version, response.Headers.GetValues("X-Demo-Version").Single());
            }
        }

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(host, $"api/deployments/{id}/promote?full=true"));
        host.AssertStatus("completed", await host.WaitForDeploymentAsync(id));
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        Assert.Equal([$"cutover-{app.App}-green"], await RunningContainersAsync(app.App));
    }

    [Fact]
    public async Task KillDuringTheWatch_Restart_KeepsWatchingWithV1Running_UntilTheStoredEnd_ThenCompletes()
    {
        var app = AppsYaml.Fresh("e2e-pd-watch-restart", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(Yaml(app, "watch:", "  duration: 20s"));
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        var watching = await WaitForStatusAsync(host, id, "watching");
        var until = watching.GetProperty("watchUntil").GetDateTimeOffset();

        await host.KillAsync();
        await host.StartAsync();

        Assert.StartsWith("demo v2", await AnswerAsync(app.Url));
        var resumed = await host.GetJsonAsync($"api/deployments/{id}");
        host.AssertStatus("watching", resumed);
        Assert.Equal(until, resumed.GetProperty("watchUntil").GetDateTimeOffset());
        Assert.Equal([$"cutover-{app.App}-blue", $"cutover-{app.App}-green"], await RunningContainersAsync(app.App));

        var deployment = await host.WaitForDeploymentAsync(id, TimeSpan.FromSeconds(60));
        var finished = deployment.GetProperty("finishedAt").GetDateTimeOffset();

        host.AssertStatus("completed", deployment);
        Assert.True(finished >= until, $"finished {finished:O}, before the watch's end {until:O}");
        Assert.StartsWith("demo v2", await _client.GetStringAsync(app.Url));
        Assert.Equal([$"cutover-{app.App}-green"], await RunningContainersAsync(app.App));
    }

    private static string Yaml(AppsYaml app, params string[] keys) =>
        "apps:\n" + app.Entry + "\n" + string.Concat(keys.Select(k => "    " + k + "\n"));

    private static Uri PreviewUrl(int port) => new($"http://127.0.0.1:{port}/");

    private static IReadOnlyList<string?> Statuses(JsonElement deployment) =>
        deployment.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ToArray();

    private static async Task<HttpStatusCode> PostAsync(HostProcess host, string path)
    {
        using var response = await host.Api.PostAsync(path, null);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    private static async Task<JsonElement> WaitForStatusAsync(HostProcess host, long id, string status, TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var deployment = await host.GetJsonAsync($"api/deployments/{id}");
            var now = deployment.GetProperty("status").GetString();
            if (now == status)
            {
                return deployment;
            }

            Assert.True(now is not ("completed" or "rolled_back" or "failed" or "cancelled"), $"deployment {id} ended {now} before {status}: {deployment}{Environment.NewLine}{host.Output}");
            Assert.True(deadline.Elapsed < (limit ?? TimeSpan.FromSeconds(45)), $"deployment {id} never reached {status}: {deployment}{Environment.NewLine}{host.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Twenty answers in a row, all v1's and all 200.</summary>
    private async Task AssertAllV1Async(Uri url)
    {
        for (var i = 0; i < 20; i++)
        {
            using var response = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("demo v1", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The first answer of a listener that may still be binding after a restart.</summary>
    private async Task<string> AnswerAsync(Uri url)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await _client.GetStringAsync(url);
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task AssertRefusedAsync(int port)
    {
        // The preview closes as the promotion completes; give it a moment rather than race it.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(3), $"the preview port {port} still accepts connections");
            await Task.Delay(100);
        }
    }

    /// <summary>The app's running containers by name (stopped ones left out).</summary>
    private static async Task<IReadOnlyList<string>> RunningContainersAsync(string app) =>
        (await DemoImages.RunAsync("docker", ["ps", "--filter", $"label=cutover.app={app}", "--format", "{{.Names}}"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();

    private static async Task<string> StartedAtAsync(string container) =>
        (await DemoImages.RunAsync("docker", ["inspect", "-f", "{{.Id}} {{.State.StartedAt}}", container])).Trim();

    private static async Task BuildImagesAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (!_built)
            {
                await DemoImages.RunAsync("bash", ["-c", $"printf 'FROM {DemoImages.V2}\\nENV DEMO_BREAK_AFTER_MS=0\\n' | docker build -q -t {BrokenV2} -"]);
                await DemoImages.RunAsync("bash", ["-c", $"printf 'FROM {DemoImages.V2}\\nENV DEMO_BREAK_AFTER_MS={BreakAfterMs}\\n' | docker build -q -t {BreaksLaterV2} -"]);
                _built = true;
            }
        }
        finally
        {
            Building.Release();
        }
    }

    /// <summary>
    /// A bounded load on the app's listener: four new clients every 50 ms (about 80 requests a second), each answer
    /// counted by version and status; stops by itself after <c>limit</c> or 5000 requests.
    /// </summary>
    private sealed class Load : IAsyncDisposable
    {
        private const int MaxRequests = 5000;
        private readonly ConcurrentDictionary<(string Version, int Status), int> _seen = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly CancellationTokenSource _stop;
        private Task _workers = Task.CompletedTask;
        private int _sent;

        private Load(TimeSpan limit) => _stop = new CancellationTokenSource(limit);

        public static Load Start(HttpClient client, Uri url, TimeSpan limit)
        {
            var load = new Load(limit);
            load._workers = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => load.RunAsync(client, url))));
            return load;
        }

        public int Seen(string version, int status) => _seen.GetValueOrDefault((version, status));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _workers;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        public override string ToString() =>
            $"{_sent} sent; " + string.Join(", ", _seen.OrderBy(s => s.Key).Select(s => $"{s.Key.Version} {s.Key.Status}: {s.Value}"))
            + (_failures.IsEmpty ? string.Empty : "; failures: " + string.Join(" | ", _failures.Take(5)));

        private async Task RunAsync(HttpClient client, Uri url)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            try
            {
                while (Interlocked.Increment(ref _sent) <= MaxRequests && await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        using var response = await client.GetAsync(url, _stop.Token);
                        var version = response.Headers.TryGetValues("X-Demo-Version", out var values) ? values.Single() : "none";
                        _seen.AddOrUpdate((version, (int)response.StatusCode), 1, (_, n) => n + 1);
                    }
                    catch (HttpRequestException ex)
                    {
                        _failures.Enqueue(ex.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }
    }
}
