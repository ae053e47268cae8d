using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Engine;

/// <summary>Webhooks from the real host to a real receiver on 127.0.0.1: signed, retried, never in a deployment's way.</summary>
[Collection(DockerCollection.Name)]
public sealed class NotificationTests(ITestOutputHelper output)
{
    private const string Secret = "e2e-webhook-secret-0123456789";

    [Fact]
    public async Task FirstDeployment_IsSentStartedThenCompleted_SignedWithTheSecret_AndListedAsDelivered_ThenARefusedEdit()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, () => Task.FromResult(200));
        var app = AppsYaml.Fresh("e2e-notify-signed", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), Webhook(receiver));

        var deployment = await host.WaitForAppDeploymentAsync(app.App);
        host.AssertStatus("completed", deployment);
        var id = deployment.GetProperty("id").GetInt64();
        await EventuallyAsync(() => receiver.Requests.Any(r => r.Event == "deployment.completed"), "deployment.completed received", host);

        var received = receiver.Requests.Where(r => r.Event.StartsWith("deployment.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["deployment.started", "deployment.completed"], received.Select(r => r.Event));
        Assert.All(received, r => Assert.True(r.SignatureValid, $"bad signature on {r.Body}"));
        var completed = JsonDocument.Parse(received[1].Body).RootElement;
        Assert.Equal(("deployment.completed", app.App, id, DemoImages.V1), (completed.GetProperty("event").GetString(),
            completed.GetProperty("app").GetString(), completed.GetProperty("deployment").GetInt64(), completed.GetProperty("image").GetString()));

        var deliveries = await host.GetJsonAsync("api/notifications/deliveries");
        var listed = deliveries.EnumerateArray().Where(d => d.GetProperty("app").GetString() == app.App).ToArray();
        Assert.Equal(["deployment.completed", "deployment.started"], listed.Select(d => d.GetProperty("event").GetString()));
        Assert.All(listed, d => Assert.Equal(("delivered", 1), (d.GetProperty("status").GetString(), d.GetProperty("attempts").GetInt32())));
        Assert.Equal(receiver.Url, listed[0].GetProperty("url").GetString());
        Assert.DoesNotContain(Secret, host.Output);
        Assert.DoesNotContain(Secret, deliveries.ToString());

        // An edit of apps.yaml that is refused is told too, for the host as a whole.
        await File.WriteAllTextAsync(host.AppsFile, app.ToString().Replace("pull: never", "pull: sometimes", StringComparison.Ordinal));
        await EventuallyAsync(() => receiver.Requests.Any(r => r.Event == "config.refused"), "config.refused received", host);
        var refused = receiver.Requests.Single(r => r.Event == "config.refused");
        Assert.True(refused.SignatureValid);
        var body = JsonDocument.Parse(refused.Body).RootElement;
        Assert.Equal(JsonValueKind.Null, body.GetProperty("app").ValueKind);
        Assert.Contains("'sometimes' is not a pull policy", body.GetProperty("problems")[0].GetString());
    }

    [Fact]
    public async Task StuckThenFailingReceiver_IsRetriedUntilItTakesTheDelivery_WhileTheDeploymentCompletesUndelayed()
    {
        // While failing, the receiver holds its first request until the deployment has completed, then answers
        // it 500; the second gets a 500 at once, and the third a 200. The host waits up to 60 s for an answer.
        var failing = false;
        var failures = 0;
        var deployed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await WebhookReceiver.StartAsync(Secret, async () =>
        {
            if (!Volatile.Read(ref failing) || Interlocked.Increment(ref failures) > 2)
            {
                return 200;
            }

            if (failures == 1)
            {
                await deployed.Task.WaitAsync(TimeSpan.FromSeconds(50));
            }

            return 500;
        });
        var app = AppsYaml.Fresh("e2e-notify-retry", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), [.. Webhook(receiver), "--Cutover:Notifications:AttemptTimeout=00:01:00"]);
        await host.WaitForAppDeploymentAsync(app.App);
        await EventuallyAsync(() => receiver.Requests.Any(r => r.Event == "deployment.completed"), "the first deployment's notifications", host);
        var before = receiver.Requests.Count;

        Volatile.Write(ref failing, true);
        var clock = Stopwatch.StartNew();
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        var deployment = await host.WaitForDeploymentAsync(id, TimeSpan.FromSeconds(45));
        output.WriteLine($"the deployment took {clock.Elapsed.TotalSeconds:0.00} s while the receiver held its first delivery");
        var heldWhileDeploying = receiver.Requests.Skip(before).Count();
        deployed.SetResult();

        host.AssertStatus("completed", deployment);
        Assert.Equal(1, heldWhileDeploying);
        await EventuallyAsync(() => receiver.Requests.Skip(before).Count(r => r.Event == "deployment.completed") == 1, "deployment.completed after the retries", host);
        var sent = receiver.Requests.Skip(before).ToArray();
        Assert.Equal(["deployment.started", "deployment.started", "deployment.started", "deployment.completed"], sent.Select(r => r.Event));
        Assert.Single(sent.Where(r => r.Event == "deployment.started").Select(r => r.Body).Distinct());
        Assert.All(sent, r => Assert.True(r.SignatureValid, $"bad signature on {r.Body}"));
        // 2 s of backoff after the second attempt's 500 (1 s after the first's).
        var backoff = sent[2].At - sent[1].At;
        output.WriteLine($"the second and the third attempt were {backoff.TotalSeconds:0.00} s apart");
        Assert.InRange(backoff, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5));

        var deliveries = await host.GetJsonAsync("api/notifications/deliveries");
        var started = deliveries.EnumerateArray().First(d => d.GetProperty("event").GetString() == "deployment.started");
        Assert.Equal(("delivered", 3, 200), (started.GetProperty("status").GetString(), started.GetProperty("attempts").GetInt32(), started.GetProperty("lastStatusCode").GetInt32()));
        Assert.Contains("deployment.started attempt 1 failed: status 500; trying again in 1 s", host.Output);
        Assert.Contains("deployment.started attempt 2 failed: status 500; trying again in 2 s", host.Output);
    }

    [Fact]
    public async Task ServingContainerCrashing_IsSentUnhealthyHealedAndRecovered_ToAWebhookThatListsOnlyThose()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, () => Task.FromResult(200));
        var app = AppsYaml.Fresh("e2e-notify-crash", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), [.. Webhook(receiver), "--Cutover:Notifications:Webhooks:0:Events:0=app.unhealthy,app.healed,app.recovered",
            // A crash healed at once may fail fewer checks than the default threshold; this test is about the events' path.
            "--Cutover:Notifications:UnhealthyAfterChecks=1"]);
        host.AssertStatus("completed", await host.WaitForAppDeploymentAsync(app.App));

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var crash = await client.PostAsync(new Uri(app.Url, "crash"), null);
        await EventuallyAsync(() => receiver.Requests.Any(r => r.Event == "app.recovered"), "app.recovered received", host);

        var events = receiver.Requests.Select(r => r.Event).ToArray();
        // Self-healing may restart the container before a health check sees it down: healed and unhealthy come in
        // either order, and recovered only after unhealthy.
        Assert.Equal(["app.healed", "app.recovered", "app.unhealthy"], events.Distinct().Order());
        Assert.True(Array.IndexOf(events, "app.unhealthy") < Array.IndexOf(events, "app.recovered"), string.Join(", ", events));
        Assert.All(receiver.Requests, r => Assert.True(r.SignatureValid, $"bad signature on {r.Body}"));
        var unhealthy = JsonDocument.Parse(receiver.Requests.First(r => r.Event == "app.unhealthy").Body).RootElement;
        Assert.Equal((app.App, "blue"), (unhealthy.GetProperty("app").GetString(), unhealthy.GetProperty("slot").GetString()));
    }

    [Fact]
    public async Task Deliveries_WithTokensConfigured_NeedOne()
    {
        const string token = "e2e-notify-token-0123456789abcdef";
        var app = AppsYaml.Fresh("e2e-notify-tokens", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), "--Cutover:Api:Tokens:0:Name=ci", $"--Cutover:Api:Tokens:0:Token={token}");

        using var without = await host.Api.GetAsync("api/notifications/deliveries");
        host.Api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var with = await host.Api.GetAsync("api/notifications/deliveries");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, with.StatusCode);
        Assert.Equal("[]", await with.Content.ReadAsStringAsync());
    }

    private static string[] Webhook(WebhookReceiver receiver) =>
        [$"--Cutover:Notifications:Webhooks:0:Url={receiver.Url}", $"--Cutover:Notifications:Webhooks:0:Secret={Secret}"];

    private static async Task EventuallyAsync(Func<bool> condition, string what, HostProcess host)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"not within 30 s: {what}{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }
    }
}
