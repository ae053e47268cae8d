namespace Cutover.Web.Api;

/// <summary>The <c>Idempotency-Key</c> header: a retried request with the same key gets the first deployment back.</summary>
internal static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 200;

    /// <returns>Why the header is unusable, or null.</returns>
    public static string? Read(HttpRequest request, out string? key)
    {
        key = null;
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            return $"Send one {HeaderName} header, not {values.Count}.";
        }

        var value = values[0]!.Trim();
        if (value.Length is 0 or > MaxLength || value.Any(c => c is < '!' or > '~'))
        {
            return $"{HeaderName} must be 1 to {MaxLength} printable ASCII characters without spaces (e.g. a UUID or s3dock's tag).";
        }

        key = value;
        return null;
    }
}
