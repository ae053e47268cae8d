using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Notifications;

/// <summary>Delivers one notification to one webhook: signed, each attempt bounded, retried with exponential backoff.</summary>
/// <remarks>
/// A 2xx delivers it. A 5xx, 408, 429, a refused or broken connection, or no answer within
/// <see cref="NotificationOptions.AttemptTimeout"/> (10 s by default) is tried again after 1, 2, 4, 8 and 16 s (<see cref="MaxAttempts"/> in all); another
/// 4xx is the receiver's refusal and is not retried. A 429 or 503 with <c>Retry-After</c> is tried again when the
/// receiver asked, but never later than the longest backoff (<see cref="MaxBackoff"/>), so one receiver cannot park
/// its queue for an hour. The body and its signature are computed once, so every attempt sends the same bytes.
/// </remarks>
public sealed partial class WebhookSender(
    IHttpClientFactory clients,
    WebhookDeliveries deliveries,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "Cutover.Webhooks";
    public const int MaxAttempts = 6;

    /// <summary>The longest wait between two attempts, the one before the last.</summary>
    public static readonly TimeSpan MaxBackoff = Backoff(MaxAttempts - 1);

    /// <summary>The wait after the <paramref name="attempt"/>th attempt failed: 1 s, doubling.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(1 << (attempt - 1));

    /// <returns>The delivery's final status: delivered or failed.</returns>
    public async Task<WebhookDeliveryStatus> SendAsync(WebhookTarget target, long deliveryId, Notification notification, CancellationToken cancellationToken)
    {
        var message = WebhookMessage.Of(notification, target.Format);
        var signature = target.Secret is { } secret ? WebhookSignature.Of(message.Body, secret) : null;
        var client = clients.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var (statusCode, error, retry, retryAfter) = await AttemptAsync(client, target, deliveryId, notification, message, signature, cancellationToken);
            var now = time.GetUtcNow();
            if (error is null)
            {
                deliveries.Update(deliveryId, d => d with
                {
                    Status = WebhookDeliveryStatus.Delivered, Attempts = attempt, LastAttemptAt = now, LastStatusCode = statusCode, NextAttemptAt = null,
                });
                metrics.Delivered();
                Log.Delivered(logger, target.Index, target.ShownUrl, notification.Event, attempt);
                return WebhookDeliveryStatus.Delivered;
            }

            if (!retry || attempt == MaxAttempts)
            {
                deliveries.Update(deliveryId, d => d with
                {
                    Status = WebhookDeliveryStatus.Failed, Attempts = attempt, LastAttemptAt = now, LastStatusCode = statusCode, LastError = error, NextAttemptAt = null,
                });
                metrics.Failed();
                Log.Failed(logger, target.Index, target.ShownUrl, notification.Event, attempt, error);
                return WebhookDeliveryStatus.Failed;
            }

            var backoff = retryAfter is { } asked ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, 0, MaxBackoff.Ticks)) : Backoff(attempt);
            deliveries.Update(deliveryId, d => d with
            {
                Status = WebhookDeliveryStatus.Retrying, Attempts = attempt, LastAttemptAt = now, LastStatusCode = statusCode, LastError = error, NextAttemptAt = now + backoff,
            });
            Log.Retrying(logger, target.Index, target.ShownUrl, notification.Event, attempt, error, backoff.TotalSeconds);
            await Task.Delay(backoff, time, cancellationToken);
        }
    }

    private async Task<(int? StatusCode, string? Error, bool Retry, TimeSpan? RetryAfter)> AttemptAsync(
        HttpClient client, WebhookTarget target, long deliveryId, Notification notification, WebhookMessage message, string? signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WithoutUserInfo(target.Url)) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(message.ContentType);
        request.Headers.UserAgent.ParseAdd("Cutover-Webhook/1.0");
        request.Headers.Add("X-Cutover-Event", notification.Event);
        request.Headers.Add("X-Cutover-Delivery", deliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (signature is not null)
        {
            request.Headers.Add(WebhookSignature.HeaderName, signature);
        }

        if (target.Url.UserInfo.Length > 0)
        {
            // HttpClient ignores a URL's user information: send it as the basic credentials it stands for.
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(target.Url.UserInfo))));
        }

        foreach (var (name, value) in message.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var limit = options.Value.AttemptTimeout;
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (status, null, false, null);
            }

            var retryAfter = status is 429 or 503 ? RetryAfter(response.Headers.RetryAfter) : null;
            return (status, $"status {status}", status is >= 500 or 408 or 429, retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {limit.TotalSeconds:0.#} s", true, null);
        }
        catch (HttpRequestException ex)
        {
            return (null, Describe(ex, target), true, null);
        }
    }

    /// <summary>How long the receiver asked to wait (seconds, or a date), or null when it did not say.</summary>
    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

    private static Uri WithoutUserInfo(Uri url) =>
        url.UserInfo.Length == 0 ? url : new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri;

    private static string Describe(HttpRequestException ex, WebhookTarget target)
    {
        var text = ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => $"cannot connect ({ex.Message})",
            HttpRequestError.ResponseEnded => "connection closed before a response",
            _ => ex.InnerException?.Message ?? ex.Message,
        };

        // Errors name the host and port; should one ever quote the URL, it is shown masked.
        return text.Replace(target.Url.OriginalString, target.ShownUrl, StringComparison.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Webhook {Webhook} ({Url}): {Event} delivered (attempt {Attempt})")]
        public static partial void Delivered(ILogger logger, int webhook, string url, string @event, int attempt);

        [LoggerMessage(2, LogLevel.Warning, "Webhook {Webhook} ({Url}): {Event} attempt {Attempt} failed: {Error}; trying again in {Seconds} s")]
        public static partial void Retrying(ILogger logger, int webhook, string url, string @event, int attempt, string error, double seconds);

        [LoggerMessage(3, LogLevel.Error, "Webhook {Webhook} ({Url}): {Event} not delivered after {Attempts} attempt(s): {Error}")]
        public static partial void Failed(ILogger logger, int webhook, string url, string @event, int attempts, string error);
    }
}
