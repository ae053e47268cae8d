using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Cutover.Web.Cli.Events;

/// <summary>Reads <c>GET /api/deployments/{id}/events</c>: server-sent events, each <c>data:</c> one JSON object.</summary>
public static class DeploymentEventStream
{
    /// <summary>The events in order; ends where the stream ends (after the terminal <c>deployment</c> event, or when the connection drops).</summary>
    public static async IAsyncEnumerable<LiveEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The runtime's own parser (System.Net.ServerSentEvents): framing, multi-line data and comments done right.
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(item.Data))
            {
                continue;
            }

            yield return LiveEventReader.Read(item.EventType, item.Data);
        }
    }
}
