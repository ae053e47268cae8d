namespace Cutover.Engine.Notifications;

/// <summary>Host settings under <c>Cutover:Notifications</c>: where events are posted.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Cutover:Notifications";

    /// <summary><c>Cutover:Notifications:Webhooks:N:Url</c>, <c>:Secret</c>, <c>:Format</c>, <c>:Events</c>.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>Deliveries waiting per webhook; past it the oldest is dropped, so that a dead receiver costs bounded memory.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>How long one attempt may take before it counts as failed and is tried again.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>app.unhealthy</c> is sent once the serving slot failed this many health checks in a row ...</summary>
    public int UnhealthyAfterChecks { get; set; } = 3;

    /// <summary>... or has failed them for this long, whichever comes first; a single blip is no alarm.</summary>
    public TimeSpan UnhealthyAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One receiver of notifications.</summary>
public sealed class WebhookOptions
{
    /// <summary>An absolute http:// or https:// URL; it may hold a token (shown redacted).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>Signs every body (<c>X-Cutover-Signature</c>); never logged or shown. Empty: unsigned.</summary>
    public string? Secret { get; set; }

    /// <summary><c>json</c> (default), <c>slack</c> or <c>ntfy</c>.</summary>
    public string Format { get; set; } = "json";

    /// <summary>The event names to send (see <see cref="NotificationEvents"/>); empty sends every event.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>The listed events, each entry possibly a comma-separated list (<c>Events=deployment.failed,app.unhealthy</c> is handy in an environment variable).</summary>
    public IEnumerable<string> EventNames() =>
        Events.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>The shape of a webhook's body.</summary>
public enum WebhookFormat
{
    /// <summary><c>{"event": ..., "app": ..., "at": ..., ...}</c></summary>
    Json,

    /// <summary>A Slack (or Mattermost, Rocket.Chat) incoming webhook: <c>{"text": ...}</c>.</summary>
    Slack,

    /// <summary>An ntfy topic: the message as plain text, with Title and Tags headers.</summary>
    Ntfy,
}

/// <summary>Parsing of <see cref="WebhookOptions.Format"/>.</summary>
public static class WebhookFormats
{
    public static bool TryParse(string? value, out WebhookFormat format)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "json":
                format = WebhookFormat.Json;
                return true;
            case "slack":
                format = WebhookFormat.Slack;
                return true;
            case "ntfy":
                format = WebhookFormat.Ntfy;
                return true;
            default:
                format = default;
                return false;
        }
    }
}
