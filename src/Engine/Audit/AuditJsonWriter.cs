using System.Text.Json;

namespace Cutover.Engine.Audit;

/// <summary>Writes audit entries as one JSON array (camelCase, as the API shows an entry), flushing as it goes.</summary>
public static class AuditJsonWriter
{
    // Flushed at this many pending bytes, so a download starts at once and memory stays flat.
    private const int FlushAtBytes = 16 * 1024;

    public static async Task WriteAsync(IAsyncEnumerable<AuditEntryView> entries, Stream stream, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartArray();
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("id", entry.Id);
            json.WriteString("at", entry.At.ToUniversalTime());
            json.WriteString("actor", entry.Actor);
            json.WriteString("address", entry.Address);
            json.WriteString("action", entry.Action);
            json.WriteString("app", entry.App);
            if (entry.DeploymentId is { } deploymentId)
            {
                json.WriteNumber("deploymentId", deploymentId);
            }
            else
            {
                json.WriteNull("deploymentId");
            }

            json.WriteString("detail", entry.Detail);
            json.WriteString("outcome", entry.Outcome);
            json.WriteString("hash", entry.Hash);
            json.WriteEndObject();
            if (json.BytesPending >= FlushAtBytes)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        await json.FlushAsync(cancellationToken);
    }
}
