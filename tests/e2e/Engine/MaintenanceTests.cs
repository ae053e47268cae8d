using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Cutover.Tests.E2E.Cli;

namespace Cutover.Tests.E2E.Engine;

/// <summary>Maintenance through the real host: its own proxy answers 503 in front of a real container it leaves alone.</summary>
[Collection(DockerCollection.Name)]
public sealed class MaintenanceTests
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task MaintenanceOn_Answers503WithRetryAfterAndAPage_LeavesTheContainerAlone_AndOffServesAgain()
    {
        var app = AppsYaml.Fresh("e2e-maint-api", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var container = await ContainerAsync(app.App);

        // Under way when maintenance begins: it must finish with the app's own answer.
        var inFlight = _client.GetAsync(new Uri(app.Url, "slow?ms=1500"));
        await Task.Delay(300);
        using (var on = await host.Api.PostAsJsonAsync($"api/apps/{app.App}/maintenance", new Dictionary<string, object> { ["message"] = "Back at <14:00> & later", ["retry_after"] = "2m" }))
        {
            var view = await ReadAsync(on, HttpStatusCode.OK);
            Assert.True(view.GetProperty("on").GetBoolean(), view.ToString());
        }

        using (var plain = await _client.GetAsync(app.Url))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(120), plain.Headers.RetryAfter?.Delta);
            Assert.True(plain.Headers.CacheControl?.NoStore, plain.Headers.ToString());
            Assert.Equal("text/plain", plain.Content.Headers.ContentType?.MediaType);
            Assert.Equal("503 Service Unavailable: Back at <14:00> & later\n", await plain.Content.ReadAsStringAsync());
        }

        using (var browser = new HttpRequestMessage(HttpMethod.Get, app.Url))
        {
            browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            using var page = await _client.SendAsync(browser);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Back at &lt;14:00&gt; &amp; later", await page.Content.ReadAsStringAsync());
        }

        using (var socket = new ClientWebSocket())
        {
            socket.Options.CollectHttpResponseDetails = true;
            var ws = new UriBuilder(app.Url) { Scheme = "ws", Path = "/ws" }.Uri;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(ws, CancellationToken.None));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, socket.HttpStatusCode);
        }

        using (var finished = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
            Assert.StartsWith("slow v1", await finished.Content.ReadAsStringAsync());
        }

        var status = await host.GetJsonAsync($"api/apps/{app.App}");
        Assert.Equal("Back at <14:00> & later", status.GetProperty("maintenance").GetProperty("message").GetString());
        Assert.Equal(120, status.GetProperty("maintenance").GetProperty("retryAfterSeconds").GetInt32());
        // Maintenance 503s are not the serving slot's: analysis of a slot must never read them as its failures.
        var active = status.GetProperty("slots").EnumerateArray().Single(s => s.GetProperty("active").GetBoolean());
        Assert.Equal(0, active.GetProperty("traffic").GetProperty("byClass").GetProperty("5xx").GetInt64());
        var listed = (await host.GetJsonAsync("api/apps")).EnumerateArray().Single(a => a.GetProperty("name").GetString() == app.App);
        Assert.Equal(JsonValueKind.Object, listed.GetProperty("maintenance").ValueKind);
        Assert.Equal(container, await ContainerAsync(app.App));
        // Three answers so far (text, page, WebSocket), counted apart from the slots.
        Assert.Contains($"cutover_proxy_maintenance_total{{app=\"{app.App}\"}} 3", await host.Api.GetStringAsync("metrics"));

        using (var off = await host.Api.DeleteAsync($"api/apps/{app.App}/maintenance"))
        {
            var view = await ReadAsync(off, HttpStatusCode.OK);
            Assert.Equal((false, true), (view.GetProperty("on").GetBoolean(), view.GetProperty("changed").GetBoolean()));
        }

        using (var served = await _client.GetAsync(app.Url))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.StartsWith("demo v1", await served.Content.ReadAsStringAsync());
        }

        using (var again = await host.Api.DeleteAsync($"api/apps/{app.App}/maintenance"))
        {
            var view = await ReadAsync(again, HttpStatusCode.OK);
            Assert.False(view.GetProperty("changed").GetBoolean());
            Assert.Contains("not in maintenance", view.GetProperty("detail").GetString());
        }

        var audit = await host.Api.GetStringAsync($"api/audit?app={app.App}");
        Assert.Contains("app.maintenance_on", audit);
        Assert.Contains("app.maintenance_off", audit);
        Assert.Equal(container, await ContainerAsync(app.App));
    }

    [Fact]
    public async Task MaintenanceOn_FromTheCli_SurvivesAHostRestart_UntilTheCliTurnsItOff()
    {
        var app = AppsYaml.Fresh("e2e-maint-cli", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        var url = $"http://127.0.0.1:{host.AdminPort}";

        var on = await CliProcess.RunAsync(url, "maintenance", "on", app.App, "--message", "Upgrading the database", "--retry-after", "90");
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains($"{app.App} is in maintenance", on.Out);
        await AssertMaintenanceAsync(app, "Upgrading the database", 90);

        await host.KillAsync();
        await host.StartAsync();
        // The first answer after the restart is already the maintenance page, not the slot's.
        await AssertMaintenanceAsync(app, "Upgrading the database", 90);

        var off = await CliProcess.RunAsync(url, "maintenance", "off", app.App);
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Contains($"{app.App} is out of maintenance", off.Out);
        Assert.StartsWith("demo v1", await _client.GetStringAsync(app.Url));

        var again = await CliProcess.RunAsync(url, "maintenance", "off", app.App);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("is not in maintenance; nothing changed", again.Out);

        var unknown = await CliProcess.RunAsync(url, "maintenance", "on", "e2e-maint-nope");
        Assert.True(unknown.ExitCode == 4, unknown.ToString());
        Assert.Contains("Unknown application", unknown.Error);

        // Lifted is kept too: another restart serves the app.
        await host.KillAsync();
        await host.StartAsync();
        await WaitForAnswerAsync(app.Url, HttpStatusCode.OK);
    }

    private async Task AssertMaintenanceAsync(AppsYaml app, string message, int retryAfter)
    {
        using var answer = await WaitForAnswerAsync(app.Url, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(retryAfter), answer.Headers.RetryAfter?.Delta);
        Assert.Contains(message, await answer.Content.ReadAsStringAsync());
    }

    /// <summary>The first answer the app's listener gives (it may still be binding after a restart); fails on any other status.</summary>
    private async Task<HttpResponseMessage> WaitForAnswerAsync(Uri url, HttpStatusCode expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var answer = await _client.GetAsync(url);
                Assert.True(answer.StatusCode == expected, $"expected {expected}, got {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
                return answer;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The app's containers as Docker sees them (id, state, start time): what maintenance must not touch.</summary>
    private static async Task<string> ContainerAsync(string app)
    {
        var ids = (await DemoImages.RunAsync("docker", ["ps", "-a", "-q", "--filter", $"label=cutover.app={app}"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(ids);
        return await DemoImages.RunAsync("docker", ["inspect", "-f", "{{.Id}} {{.Name}} {{.State.Status}} {{.State.StartedAt}}", .. ids]);
    }
}
