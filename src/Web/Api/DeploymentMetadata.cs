using System.Text.Json;

namespace Cutover.Web.Api;

/// <summary>The free-form metadata a requester attaches to a deployment: a JSON object of bounded size.</summary>
internal static class DeploymentMetadata
{
    /// <summary>Large enough for a git hash, a promoter and a changelog line; small enough to list by the thousand.</summary>
    public const int MaxBytes = 4096;

    /// <returns>Why the metadata is refused, or null; <paramref name="json"/> is what to store.</returns>
    public static string? Validate(JsonElement? metadata, out string? json)
    {
        json = null;
        if (metadata is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"metadata must be a JSON object such as {{\"git_hash\": \"4f2a9c1\"}}; this one is a JSON {value.ValueKind.ToString().ToLowerInvariant()}.";
        }

        // Re-written compactly: the requester's own layout (jq pretty-prints) has no place in the history or the audit.
        json = JsonSerializer.Serialize(value);
        return System.Text.Encoding.UTF8.GetByteCount(json) > MaxBytes ? $"metadata is larger than {MaxBytes} bytes." : null;
    }
}
