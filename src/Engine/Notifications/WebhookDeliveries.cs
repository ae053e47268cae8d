namespace Cutover.Engine.Notifications;

/// <summary>Where a delivery stands.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Queued, or being sent for the first time.</summary>
    Pending,

    /// <summary>An attempt failed; another follows after the backoff.</summary>
    Retrying,

    Delivered,

    /// <summary>Every attempt failed, or the receiver refused it (a 4xx other than 408 and 429).</summary>
    Failed,

    /// <summary>The webhook's queue was full: dropped, oldest first, so that publishing never waits.</summary>
    Dropped,
}

/// <summary>One delivery as the API and the console show it (the URL redacted, never the secret).</summary>
/// <param name="Webhook">The index N of <c>Cutover:Notifications:Webhooks:N</c>.</param>
public sealed record WebhookDeliveryView(
    long Id,
    int Webhook,
    string Url,
    string Event,
    string? App,
    DateTimeOffset At,
    WebhookDeliveryStatus Status,
    int Attempts,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? NextAttemptAt);

/// <summary>The last <see cref="Capacity"/> deliveries, in memory (they start afresh with the host; the audit trail and history are the durable record).</summary>
public sealed class WebhookDeliveries
{
    public const int Capacity = 100;

    private readonly Lock _gate = new();
    private readonly LinkedList<WebhookDeliveryView> _recent = new();
    private long _lastId;

    /// <summary>Raised after any delivery was added or changed (the console re-reads <see cref="Snapshot"/>).</summary>
    public event Action? Changed;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<WebhookDeliveryView> Snapshot()
    {
        lock (_gate)
        {
            return [.. _recent];
        }
    }

    public WebhookDeliveryView Add(int webhook, string url, Notification notification)
    {
        WebhookDeliveryView added;
        lock (_gate)
        {
            added = new WebhookDeliveryView(++_lastId, webhook, url, notification.Event, notification.App, notification.At,
                WebhookDeliveryStatus.Pending, 0, null, null, null, null);
            _recent.AddFirst(added);
            if (_recent.Count > Capacity)
            {
                _recent.RemoveLast();
            }
        }

        Changed?.Invoke();
        return added;
    }

    /// <summary>Replaces the delivery's entry with <paramref name="change"/> of it, if it is still among the recent ones.</summary>
    public WebhookDeliveryView? Update(long id, Func<WebhookDeliveryView, WebhookDeliveryView> change)
    {
        WebhookDeliveryView? updated = null;
        lock (_gate)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Id == id)
                {
                    node.Value = updated = change(node.Value);
                    break;
                }
            }
        }

        if (updated is not null)
        {
            Changed?.Invoke();
        }

        return updated;
    }
}
