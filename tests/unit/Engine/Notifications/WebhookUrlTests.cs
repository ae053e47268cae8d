using Cutover.Engine.Notifications;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("https://hooks.slack.com/services/T0000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/T0000000/B00000000/***")]
    [InlineData("https://user:p4ssw0rd@hooks.example.com:8443/cutover?token=abc&team=ops", "https://***@hooks.example.com:8443/cutover?token=***&team=***")]
    [InlineData("http://127.0.0.1:5000/hook", "http://127.0.0.1:5000/hook")]
    [InlineData("https://ntfy.sh/cutover-ops", "https://ntfy.sh/cutover-ops")]
    public void Redact_MasksUserInfoQueryValuesAndTokenLikeSegments(string url, string shown) =>
        Assert.Equal(shown, WebhookUrl.Redact(url));

    [Theory]
    [InlineData("https://hooks.example.com/x", true)]
    [InlineData("http://127.0.0.1:5000/", true)]
    [InlineData("ftp://example.com/", false)]
    [InlineData("/relative/hook", false)]
    [InlineData("hooks.example.com/x", false)]
    public void TryParse_TakesAbsoluteHttpAndHttpsOnly(string url, bool valid) =>
        Assert.Equal(valid, WebhookUrl.TryParse(url, out _));
}
