using System.Diagnostics.Metrics;

namespace Cutover.Engine.Notifications;

/// <summary>The <c>Cutover.Notifications</c> meter: <c>cutover.webhook.deliveries</c> by outcome (delivered, failed, dropped).</summary>
public sealed class NotificationMetrics
{
    public const string MeterName = "Cutover.Notifications";
    public const string DeliveriesName = "cutover.webhook.deliveries";

    private readonly Counter<long> _deliveries;

    public NotificationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>(DeliveriesName, "{delivery}",
            "Webhook deliveries that ended: delivered, failed (every attempt failed, or the receiver refused) or dropped (its queue was full).");
    }

    public void Delivered() => Count("delivered");

    public void Failed() => Count("failed");

    public void Dropped() => Count("dropped");

    private void Count(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
