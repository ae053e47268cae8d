using System.Security.Cryptography;
using System.Text;

namespace Cutover.Engine.Notifications;

/// <summary>The <c>X-Cutover-Signature</c> header: <c>sha256=</c> and the hex HMAC-SHA256 of the exact body bytes, keyed with the webhook's secret.</summary>
/// <remarks>A receiver computes the same over the raw body it read and compares in constant time (GitHub's scheme).</remarks>
public static class WebhookSignature
{
    public const string HeaderName = "X-Cutover-Signature";

    public static string Of(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
