using Cutover.Engine.Notifications;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers webhooks: options validated at start-up, the delivery log, the sender and the background notifier.</summary>
internal static class NotificationServiceCollectionExtensions
{
    public static IServiceCollection AddCutoverNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>()
            .BindConfiguration(NotificationOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddMetrics();
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            // The factory's default loggers write every request's URL, and a webhook's URL often holds its token.
            .RemoveAllLoggers();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookNotifier>();
        return services;
    }
}
