namespace Cutover.Engine.Notifications;

/// <summary>One configured webhook, parsed (the options were validated at start-up).</summary>
/// <param name="Index">N of <c>Cutover:Notifications:Webhooks:N</c>.</param>
/// <param name="ShownUrl">The URL with its tokens masked: the only form logged or shown.</param>
/// <param name="Events">The events it wants; null for all.</param>
public sealed record WebhookTarget(int Index, Uri Url, string ShownUrl, string? Secret, WebhookFormat Format, IReadOnlySet<string>? Events)
{
    public static WebhookTarget From(WebhookOptions options, int index)
    {
        if (!WebhookUrl.TryParse(options.Url, out var url) || !WebhookFormats.TryParse(options.Format, out var format))
        {
            throw new InvalidOperationException($"{NotificationOptions.SectionName}:Webhooks:{index} was not validated");
        }

        var events = options.EventNames().ToHashSet(StringComparer.Ordinal);
        return new WebhookTarget(index, url, WebhookUrl.Redact(url), string.IsNullOrEmpty(options.Secret) ? null : options.Secret,
            format, events.Count == 0 ? null : events);
    }

    public bool Wants(string eventName) => Events is null || Events.Contains(eventName);

    /// <summary>Never the secret, should a record ever be logged whole.</summary>
    public override string ToString() => $"webhook {Index} ({ShownUrl}, {Format})";
}
