using Microsoft.Extensions.Options;

namespace Cutover.Engine.Notifications;

/// <summary>Refuses to start with a webhook that could never be delivered as meant: a bad URL, an unknown format or event.</summary>
internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        if (options.QueueCapacity < 1)
        {
            failures.Add($"{NotificationOptions.SectionName}:QueueCapacity {options.QueueCapacity} must be at least 1.");
        }

        if (options.AttemptTimeout < TimeSpan.FromSeconds(1) || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{NotificationOptions.SectionName}:AttemptTimeout {options.AttemptTimeout} must be between 00:00:01 and 00:05:00.");
        }

        if (options.UnhealthyAfterChecks is < 1 or > 100)
        {
            failures.Add($"{NotificationOptions.SectionName}:UnhealthyAfterChecks {options.UnhealthyAfterChecks} must be between 1 and 100.");
        }

        if (options.UnhealthyAfter < TimeSpan.Zero || options.UnhealthyAfter > TimeSpan.FromHours(1))
        {
            failures.Add($"{NotificationOptions.SectionName}:UnhealthyAfter {options.UnhealthyAfter} must be between 00:00:00 and 01:00:00.");
        }

        foreach (var (webhook, index) in options.Webhooks.Select((w, i) => (w, i)))
        {
            var where = $"{NotificationOptions.SectionName}:Webhooks:{index}";
            if (string.IsNullOrWhiteSpace(webhook.Url))
            {
                failures.Add($"{where}:Url is empty: give the receiver's http:// or https:// URL.");
            }
            else if (!WebhookUrl.TryParse(webhook.Url, out _))
            {
                failures.Add($"{where}:Url '{WebhookUrl.Redact(webhook.Url)}' is not an absolute http:// or https:// URL.");
            }

            if (!WebhookFormats.TryParse(webhook.Format, out _))
            {
                failures.Add($"{where}:Format '{webhook.Format}' is unknown: use json, slack or ntfy.");
            }

            foreach (var unknown in webhook.EventNames().Where(e => !NotificationEvents.IsKnown(e)).Distinct(StringComparer.Ordinal))
            {
                failures.Add($"{where}:Events '{unknown}' is not an event: use {string.Join(", ", NotificationEvents.All)} (or none for all).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
