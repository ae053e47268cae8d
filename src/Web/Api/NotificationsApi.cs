using Cutover.Engine.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>Webhook deliveries: the last ones, with status, attempts and last error (URLs redacted, secrets never shown).</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/notifications/deliveries", Deliveries).WithTags("Notifications")
            .WithSummary($"The last {WebhookDeliveries.Capacity} webhook deliveries since the host started, newest first.");
        return routes;
    }

    private static Ok<IReadOnlyList<WebhookDeliveryView>> Deliveries(WebhookDeliveries deliveries) => TypedResults.Ok(deliveries.Snapshot());
}
