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
    public async Task FirstDeployment_IsSentStartedThenCompleted_SignedWithTheSecret_AndListedAsDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _ => (200, TimeSpan.Zero));
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
    }

    [Fact]
    public async Task SlowAndFailingReceiver_IsRetriedUntilItTakesTheDelivery_WhileTheDeploymentCompletesOnTime()
    {
        var failing = false;
        // While failing: the first answer comes too late (the host gives up after 10 s), the second is a 500; then 200s.
        var failures = 0;
        await using var receiver = await WebhookReceiver.StartAsync(Secret, _ =>
            !Volatile.Read(ref failing) || Interlocked.Increment(ref failures) > 2 ? (200, TimeSpan.Zero)
            : failures == 1 ? (200, TimeSpan.FromSeconds(15)) : (500, TimeSpan.Zero));
        var app = AppsYaml.Fresh("e2e-notify-retry", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString(), Webhook(receiver));
        await host.WaitForAppDeploymentAsync(app.App);
        await EventuallyAsync(() => receiver.Requests.Any(r => r.Event == "deployment.completed"), "the first deployment's notifications", host);
        var before = receiver.Requests.Count;

        Volatile.Write(ref failing, true);
        var clock = Stopwatch.StartNew();
        var id = await host.DeployAsync(app.App, DemoImages.V2);
        var deployment = await host.WaitForDeploymentAsync(id);
        var took = clock.Elapsed;

        host.AssertStatus("completed", deployment);
        output.WriteLine($"the deployment took {took.TotalSeconds:0.00} s while the receiver held its first delivery");
        Assert.True(took < TimeSpan.FromSeconds(10), $"the deployment took {took}, as long as the receiver's first attempt: {deployment}");
        await EventuallyAsync(() => receiver.Requests.Skip(before).Count(r => r.Event == "deployment.completed") == 1, "deployment.completed after the retries", host);
        var sent = receiver.Requests.Skip(before).ToArray();
        Assert.Equal(["deployment.started", "deployment.started", "deployment.started", "deployment.completed"], sent.Select(r => r.Event));
        Assert.Single(sent.Where(r => r.Event == "deployment.started").Select(r => r.Body).Distinct());
        Assert.All(sent, r => Assert.True(r.SignatureValid, $"bad signature on {r.Body}"));
        // 10 s until the first attempt times out, 1 s of backoff, an immediate 500, 2 s of backoff.
        var firstToLast = sent[2].At - sent[0].At;
        output.WriteLine($"the first and the third attempt of deployment.started were {firstToLast.TotalSeconds:0.00} s apart");
        Assert.InRange(firstToLast, TimeSpan.FromSeconds(12.5), TimeSpan.FromSeconds(16));

        var deliveries = await host.GetJsonAsync("api/notifications/deliveries");
        var started = deliveries.EnumerateArray().First(d => d.GetProperty("event").GetString() == "deployment.started");
        Assert.Equal(("delivered", 3, 200), (started.GetProperty("status").GetString(), started.GetProperty("attempts").GetInt32(), started.GetProperty("lastStatusCode").GetInt32()));
        Assert.Contains("deployment.started attempt 1 failed: no answer within 10 s; trying again in 1 s", host.Output);
        Assert.Contains("deployment.started attempt 2 failed: status 500; trying again in 2 s", host.Output);
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
