using System.Text;
using Cutover.Engine.Notifications;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void Signature_OfAKnownVector_IsTheHexHmacSha256WithItsPrefix()
    {
        // RFC 2104 HMAC-SHA256 of the well-known pangram with the key "key".
        var signature = WebhookSignature.Of(Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog"), "key");

        Assert.Equal("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", signature);
    }

    [Fact]
    public void Signature_ChangesWithTheBodyAndTheSecret()
    {
        var body = Encoding.UTF8.GetBytes("{\"event\":\"deployment.completed\"}");

        Assert.NotEqual(WebhookSignature.Of(body, "one"), WebhookSignature.Of(body, "two"));
        Assert.NotEqual(WebhookSignature.Of(body, "one"), WebhookSignature.Of([.. body, (byte)' '], "one"));
    }
}
