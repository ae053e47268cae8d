using System.Threading.Channels;
using Cutover.Engine.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Notifications;

/// <summary>Turns engine events into webhook deliveries, in the background, one bounded queue per webhook.</summary>
/// <remarks>
/// The engine only publishes to its event stream, which never waits. Here each notification is put in the queue
/// of every webhook that wants it, and each webhook's worker delivers its queue in order. A slow or failing
/// receiver delays only its own queue; when that queue is full the oldest delivery is dropped (shown as dropped,
/// counted and logged), never the engine. Deliveries still queued when the host stops are not sent.
/// </remarks>
public sealed partial class WebhookNotifier(
    IOptions<NotificationOptions> options,
    EngineEventStream events,
    WebhookDeliveries deliveries,
    WebhookSender sender,
    NotificationMetrics metrics,
    ILogger<WebhookNotifier> logger) : BackgroundService
{
    private EngineEventSubscription? _subscription;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Webhooks.Count > 0)
        {
            // Before the engine's own start (registered ahead of it): a first deployment's events are not missed.
            _subscription = events.Subscribe();
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscription is null)
        {
            return;
        }

        var targets = options.Value.Webhooks.Select(WebhookTarget.From).ToArray();
        var queues = targets.Select(t => Channel.CreateBounded<QueuedDelivery>(
            new BoundedChannelOptions(options.Value.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = true,
            },
            dropped => Dropped(t, dropped))).ToArray();
        var workers = targets.Select((t, i) => DeliverAsync(t, queues[i].Reader, stoppingToken)).ToArray();
        var unhealthy = new UnhealthyThreshold(options.Value.UnhealthyAfterChecks, options.Value.UnhealthyAfter);
        try
        {
            await foreach (var engineEvent in _subscription.ReadAllAsync(stoppingToken))
            {
                // The monitor's health changes are left to the threshold, which counts each check.
                var notification = engineEvent is AppHealthChanged ? null
                    : unhealthy.Observe(engineEvent) ?? EngineEventNotifications.From(engineEvent);
                if (notification is null)
                {
                    continue;
                }

                for (var i = 0; i < targets.Length; i++)
                {
                    if (targets[i].Wants(notification.Event))
                    {
                        var delivery = deliveries.Add(targets[i].Index, targets[i].ShownUrl, notification);
                        queues[i].Writer.TryWrite(new QueuedDelivery(delivery.Id, notification));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var queue in queues)
            {
                queue.Writer.TryComplete();
            }

            await Task.WhenAll(workers);
        }
    }

    private async Task DeliverAsync(WebhookTarget target, ChannelReader<QueuedDelivery> queue, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var queued in queue.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await sender.SendAsync(target, queued.DeliveryId, queued.Notification, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Log.DeliveryCrashed(logger, target.Index, target.ShownUrl, queued.Notification.Event, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Dropped(WebhookTarget target, QueuedDelivery dropped)
    {
        var capacity = options.Value.QueueCapacity;
        deliveries.Update(dropped.DeliveryId, d => d with
        {
            Status = WebhookDeliveryStatus.Dropped,
            LastError = $"dropped: {capacity} newer deliveries to this webhook were waiting",
        });
        metrics.Dropped();
        Log.Dropped(logger, target.Index, target.ShownUrl, dropped.Notification.Event, capacity);
    }

    private sealed record QueuedDelivery(long DeliveryId, Notification Notification);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Webhook {Webhook} ({Url}): {Event} dropped, its queue of {Capacity} is full (the receiver is slow or failing)")]
        public static partial void Dropped(ILogger logger, int webhook, string url, string @event, int capacity);

        [LoggerMessage(2, LogLevel.Error, "Webhook {Webhook} ({Url}): delivering {Event} failed unexpectedly; going on with the next")]
        public static partial void DeliveryCrashed(ILogger logger, int webhook, string url, string @event, Exception exception);
    }
}
