using System.Text;
using Cutover.Engine.Secrets;

namespace Cutover.Engine.Notifications;

/// <summary>Parses a webhook's URL, and shows it without the tokens it often carries.</summary>
/// <remarks>
/// Receivers put their secret in the URL: user information (<c>https://user:token@host/</c>), a query parameter
/// (<c>?token=...</c>), or the path itself (Slack's <c>/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX</c>, a
/// Discord token, a random ntfy topic). Shown in the API, the console and logs, the user information becomes
/// <c>***</c>, every query value <c>***</c>, and every path segment of <see cref="TokenLength"/> characters or more
/// <c>***</c>: the scheme, host, port and the short segments stay, enough to tell webhooks apart.
/// </remarks>
public static class WebhookUrl
{
    /// <summary>Path segments this long are taken for tokens; Slack's secret is 24 characters, its ids 9 to 11.</summary>
    public const int TokenLength = 16;

    public static bool TryParse(string? text, out Uri url)
    {
        url = null!;
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }

        url = parsed;
        return true;
    }

    public static string Redact(string text)
    {
        if (!TryParse(text, out var url))
        {
            // Not a URL Cutover would post to (other schemes parse their query into the path): never echo a password or a query.
            var masked = UrlCredentials.Mask(text);
            var query = masked.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? masked : masked[..query] + "?" + SecretRedactor.Mask;
        }

        return Redact(url);
    }

    public static string Redact(Uri url)
    {
        var shown = new StringBuilder();
        shown.Append(url.Scheme).Append("://");
        if (url.UserInfo.Length > 0)
        {
            shown.Append(SecretRedactor.Mask).Append('@');
        }

        shown.Append(url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}");
        var segments = url.AbsolutePath.Split('/');
        shown.Append(string.Join('/', segments.Select(s => s.Length >= TokenLength ? SecretRedactor.Mask : s)));
        if (url.Query.Length > 1)
        {
            var parameters = url.Query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)[0] + "=" + SecretRedactor.Mask);
            shown.Append('?').Append(string.Join('&', parameters));
        }

        return shown.ToString();
    }
}
