using System.Diagnostics;
using System.Net;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Cutover.Tests.Unit.Engine.Notifications.NotificationSamples;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class WebhookNotifierTests : IDisposable
{
    private readonly EngineEventStream _events = new();
    private readonly WebhookDeliveries _deliveries = new();
    private readonly DeliveryCounts _counts = new();

    public void Dispose() => _counts.Dispose();

    [Fact]
    public async Task Notifier_SendsEachWebhookOnlyTheEventsItListed()
    {
        var receiver = ScriptedReceiver.Answering(HttpStatusCode.OK);
        var notifier = Notifier(receiver, 16,
            new WebhookOptions { Url = "https://all.example.com/" },
            new WebhookOptions { Url = "https://failures.example.com/", Events = ["deployment.failed,deployment.rolled_back"] });
        await notifier.StartAsync(CancellationToken.None);
        try
        {
            _events.Publish(new DeploymentChanged(Now, Deployment(DeploymentStatus.Queued)));
            _events.Publish(new DeploymentChanged(Now, Deployment(DeploymentStatus.Pulling)));
            _events.Publish(new DeploymentChanged(Now, Deployment(DeploymentStatus.Failed, "pull failed")));

            await Eventually.HoldsAsync(() => _counts["delivered"] == 3, "three deliveries");
            Assert.Equal(["deployment.started", "deployment.failed"], EventsTo(receiver, "all.example.com"));
            Assert.Equal(["deployment.failed"], EventsTo(receiver, "failures.example.com"));
            Assert.Equal([1, 0, 0], _deliveries.Snapshot().Select(d => d.Webhook));
        }
        finally
        {
            await notifier.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Notifier_BehindAReceiverThatNeverAnswers_NeverDelaysPublishing_AndDropsTheOldestPastItsQueue()
    {
        var receiver = ScriptedReceiver.Hanging();
        var notifier = Notifier(receiver, 4, new WebhookOptions { Url = "https://stuck.example.com/" });
        await notifier.StartAsync(CancellationToken.None);
        try
        {
            var publishing = Stopwatch.StartNew();
            for (var i = 0; i < 100; i++)
            {
                _events.Publish(new DeploymentChanged(Now, Deployment(DeploymentStatus.Completed)));
            }

            publishing.Stop();
            Assert.True(publishing.Elapsed < TimeSpan.FromMilliseconds(200), $"publishing 100 events took {publishing.Elapsed}");

            // One in flight (hanging), four queued, the rest dropped oldest first.
            await Eventually.HoldsAsync(() => _deliveries.Snapshot().Count == 100 && _counts["dropped"] >= 95, "95 or more dropped");
            var snapshot = _deliveries.Snapshot();
            Assert.Equal(_counts["dropped"], snapshot.Count(d => d.Status == WebhookDeliveryStatus.Dropped));
            Assert.InRange(_counts["dropped"], 95, 96);
            Assert.All(snapshot.Take(4), d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
            Assert.Contains("4 newer deliveries", snapshot.Last(d => d.Status == WebhookDeliveryStatus.Dropped).LastError);
        }
        finally
        {
            var stopping = Stopwatch.StartNew();
            await notifier.StopAsync(CancellationToken.None);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");
        }
    }

    private static string[] EventsTo(ScriptedReceiver receiver, string host) =>
        receiver.Received.Where(r => r.Url.Host == host).Select(r => r.Headers["X-Cutover-Event"]).ToArray();

    private WebhookNotifier Notifier(ScriptedReceiver receiver, int capacity, params WebhookOptions[] webhooks)
    {
        var time = new FakeTimeProvider(Now);
        var sender = new WebhookSender(new FakeHttpClientFactory(receiver), _deliveries, _counts.Metrics, Options.Create(new NotificationOptions()), time, NullLogger<WebhookSender>.Instance);
        var options = Options.Create(new NotificationOptions { Webhooks = [.. webhooks], QueueCapacity = capacity });
        return new WebhookNotifier(options, _events, _deliveries, sender, _counts.Metrics, NullLogger<WebhookNotifier>.Instance);
    }
}
