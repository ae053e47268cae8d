using System.Text;
using System.Text.Json;
using Cutover.Engine.Notifications;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class WebhookMessageTests
{
    [Fact]
    public void Json_HasEventAppAtAndMessage_ThenTheDetails()
    {
        var message = WebhookMessage.Of(NotificationSamples.Completed(), WebhookFormat.Json);

        Assert.Equal("application/json", message.ContentType);
        var body = JsonDocument.Parse(message.Body).RootElement;
        Assert.Equal(["event", "app", "at", "message"], body.EnumerateObject().Take(4).Select(p => p.Name));
        Assert.Equal("deployment.completed", body.GetProperty("event").GetString());
        Assert.Equal("shop", body.GetProperty("app").GetString());
        Assert.Equal(NotificationSamples.Now, body.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("shop: deployment 42 of registry.local/shop:v2 completed in 8.3 s; green serves it.", body.GetProperty("message").GetString());
        Assert.Equal(42, body.GetProperty("deployment").GetInt64());
        Assert.Equal("registry.local/shop:v1", body.GetProperty("previousImage").GetString());
        Assert.Equal(8.25, body.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
    }

    [Fact]
    public void Slack_IsATextObject()
    {
        var message = WebhookMessage.Of(NotificationSamples.Completed(), WebhookFormat.Slack);

        var body = JsonDocument.Parse(message.Body).RootElement;
        Assert.Equal(["text"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("shop: deployment 42 of registry.local/shop:v2 completed in 8.3 s; green serves it.", body.GetProperty("text").GetString());
    }

    [Fact]
    public void Ntfy_IsPlainText_WithTitleAndTagsHeaders()
    {
        var message = WebhookMessage.Of(NotificationSamples.Completed(), WebhookFormat.Ntfy);

        Assert.Equal("text/plain; charset=utf-8", message.ContentType);
        Assert.Equal("shop: deployment 42 of registry.local/shop:v2 completed in 8.3 s; green serves it.", Encoding.UTF8.GetString(message.Body));
        Assert.Contains(new KeyValuePair<string, string>("Title", "shop: deployment completed"), message.Headers);
        Assert.Contains(new KeyValuePair<string, string>("Tags", "white_check_mark,deployment.completed"), message.Headers);
    }
}
