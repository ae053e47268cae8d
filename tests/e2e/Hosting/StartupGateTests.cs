using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Hosting;

/// <summary>The real host between its start and reconciliation with Docker: changes wait (503 with Retry-After), reads and probes answer.</summary>
[Collection(DockerCollection.Name)]
public sealed class StartupGateTests
{
    private const string Reconciled = "Reconciled state with Docker";

    [Fact]
    public async Task KillNine_ThenADeployAtOnce_Is503UntilReconciled_NeverA500_AndLeavesOneTrackedContainerPerSlot()
    {
        var app = AppsYaml.Fresh("e2e-startgate", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        host.AssertStatus("completed", await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V2)));

        await host.KillAsync();
        host.Launch();
        var (id, refusals) = await DeployAtOnceAsync(host, app.App, DemoImages.V1);

        var deployment = await host.WaitForDeploymentAsync(id);
        host.AssertStatus("completed", deployment);
        // The deployment was admitted after reconciliation, not racing it (the log is one ordered queue).
        var output = host.Output;
        var reconciledAt = output.IndexOf(Reconciled, StringComparison.Ordinal);
        var acceptedAt = output.IndexOf($"Deployment {id} of {app.App} accepted", StringComparison.Ordinal);
        Assert.True(reconciledAt >= 0 && reconciledAt < acceptedAt, $"deployment {id} was accepted before reconciliation ({refusals} refusals first):{Environment.NewLine}{output}");
        Assert.DoesNotContain("DbUpdateConcurrencyException", output);

        // Exactly the two slot containers, and each is the one the host tracks.
        var status = await host.GetJsonAsync($"api/apps/{app.App}");
        var tracked = status.GetProperty("slots").EnumerateArray()
            .Select(s => s.GetProperty("containerId").GetString())
            .Where(c => c is not null)
            .Order()
            .ToArray();
        var present = (await DemoImages.RunAsync("docker", ["ps", "-a", "--no-trunc", "--filter", $"label=cutover.app={app.App}", "--format", "{{.ID}}"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order()
            .ToArray();
        var seen = $"present {string.Join(", ", present)}; tracked {string.Join(", ", tracked)}; {status}{Environment.NewLine}{host.Output}";
        Assert.True(present.Length == 2, seen);
        Assert.True(present.SequenceEqual(tracked), seen);
    }

    [Fact]
    public async Task UntilDockerAnswers_ChangesAre503WithRetryAfter_ReadyzSaysWhy_AndOnceReconciledBothOpen()
    {
        var app = AppsYaml.Fresh("e2e-startlate", DemoImages.V1);
        await using var host = await HostProcess.CreateAsync(app.ToString());
        var socket = Path.Combine(host.Folder, "docker.sock");
        await host.StartAsync($"--Cutover:Docker=unix://{socket}");

        using (var alive = await host.Api.GetAsync("healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.Equal("alive", (await alive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        var (readyStatus, ready) = await GetReadyzAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("not_ready", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks");
        Assert.True(checks.GetProperty("config").GetProperty("ok").GetBoolean(), ready.ToString());
        Assert.True(checks.GetProperty("sqlite").GetProperty("ok").GetBoolean(), ready.ToString());
        Assert.False(checks.GetProperty("docker").GetProperty("ok").GetBoolean(), ready.ToString());
        Assert.False(checks.GetProperty("reconciled").GetProperty("ok").GetBoolean(), ready.ToString());
        Assert.Contains("waiting for Docker", checks.GetProperty("reconciled").GetProperty("detail").GetString());

        using (var refused = await host.Api.PostAsJsonAsync($"api/apps/{app.App}/deployments", new { image = DemoImages.V2 }))
        {
            await AssertStartingAsync(refused);
        }

        var waited = Stopwatch.StartNew();
        using (var refusedAfterWaiting = await host.Api.PostAsJsonAsync($"api/apps/{app.App}/deployments?wait=true&timeout=1", new { image = DemoImages.V2 }))
        {
            await AssertStartingAsync(refusedAfterWaiting);
            Assert.True(waited.Elapsed >= TimeSpan.FromSeconds(1), $"answered after {waited.Elapsed}, before its wait bound");
        }

        using (var cancel = await host.Api.PostAsync("api/deployments/1/cancel", null))
        {
            await AssertStartingAsync(cancel);
        }

        await using var docker = DockerRelay.Start(socket);
        var deadline = Stopwatch.StartNew();
        while ((await GetReadyzAsync(host)).Status != HttpStatusCode.OK)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"not ready 30 s after Docker answered: {(await GetReadyzAsync(host)).Body}{Environment.NewLine}{host.Output}");
            await Task.Delay(200);
        }

        var (_, readyNow) = await GetReadyzAsync(host);
        Assert.Equal("ready", readyNow.GetProperty("status").GetString());
        // Reconciliation deployed the app (it served nothing); after that, a change is admitted.
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));
        host.AssertStatus("completed", await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, DemoImages.V2)));
    }

    /// <summary>Posts a deployment from the moment the host listens until one is admitted, as a script retrying on 503 would.</summary>
    private static async Task<(long Id, int Refusals)> DeployAtOnceAsync(HostProcess host, string app, string image)
    {
        var refusals = 0;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"no deployment admitted within 60 s ({refusals} refusals):{Environment.NewLine}{host.Output}");
            HttpResponseMessage response;
            try
            {
                response = await host.Api.PostAsJsonAsync($"api/apps/{app}/deployments", new { image });
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
                await Task.Delay(10);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    await AssertStartingAsync(response);
                    refusals++;
                    await Task.Delay(100);
                    continue;
                }

                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"answered {(int)response.StatusCode}: {body}{Environment.NewLine}{host.Output}");
                return (JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64(), refusals);
            }
        }
    }

    private static async Task AssertStartingAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Cutover is starting", problem.GetProperty("title").GetString());
        Assert.Contains("reconciled with Docker", problem.GetProperty("detail").GetString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetReadyzAsync(HostProcess host)
    {
        using var response = await host.Api.GetAsync("readyz");
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
