using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cutover.Engine.Notifications;

/// <summary>A notification shaped for one receiver: the exact body bytes (what is signed), their type, and extra headers.</summary>
public sealed record WebhookMessage(byte[] Body, string ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static WebhookMessage Of(Notification notification, WebhookFormat format) => format switch
    {
        WebhookFormat.Slack => new(Json(writer => writer.WriteString("text", notification.Message)), "application/json", []),
        WebhookFormat.Ntfy => new(Encoding.UTF8.GetBytes(notification.Message), "text/plain; charset=utf-8",
            [new("Title", notification.Title), new("Tags", NtfyTags(notification.Event))]),
        _ => new(Json(writer => WriteJson(writer, notification)), "application/json", []),
    };

    private static void WriteJson(Utf8JsonWriter writer, Notification notification)
    {
        writer.WriteString("event", notification.Event);
        writer.WriteString("app", notification.App);
        writer.WriteString("at", notification.At);
        writer.WriteString("message", notification.Message);
        foreach (var (name, value) in notification.Details)
        {
            writer.WritePropertyName(name);
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case int or long:
                    writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case double number:
                    writer.WriteNumberValue(number);
                    break;
                case IEnumerable<string> texts:
                    writer.WriteStartArray();
                    foreach (var text in texts)
                    {
                        writer.WriteStringValue(text);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteStringValue(value.ToString());
                    break;
            }
        }
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps quotes, '+' and non-ASCII readable; the body is JSON for receivers, never embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>ntfy shows tags that are emoji short codes as emoji, the others as words; the event name is kept as a word.</summary>
    private static string NtfyTags(string name)
    {
        var emoji = name switch
        {
            NotificationEvents.DeploymentStarted => "rocket",
            NotificationEvents.DeploymentPaused => "pause_button",
            NotificationEvents.DeploymentCompleted => "white_check_mark",
            NotificationEvents.DeploymentRolledBack => "leftwards_arrow_with_hook",
            NotificationEvents.DeploymentFailed => "x",
            NotificationEvents.AppUnhealthy => "warning",
            NotificationEvents.AppRecovered => "green_heart",
            NotificationEvents.AppHealed => "wrench",
            _ => "no_entry",
        };
        return $"{emoji},{name}";
    }
}
