using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Cutover.Web.Cli.Api;
using Cutover.Web.Cli.Events;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cutover.Web.Cli.Watching;

/// <summary>The host's SignalR hub <c>/hubs/events</c> as one ordered stream of <see cref="LiveEvent"/>s.</summary>
/// <remarks>
/// The hub calls its clients from the connection's threads; a channel hands the events, in order, to a single
/// reader, as the console's components consume the engine's stream. Reconnects are automatic and announced.
/// </remarks>
public sealed class HubEventSource(Uri host, string? token, TextWriter notices)
{
    /// <summary>The methods the hub calls (docs/api.md).</summary>
    public static readonly string[] Methods = ["deployment", "pull", "drain", "health", "audit", "config", "heal"];

    /// <summary>Events until <paramref name="cancellationToken"/> (Ctrl+C), or until the connection is lost for good.</summary>
    /// <exception cref="HostUnreachableException">The hub could not be reached, or the connection was lost.</exception>
    /// <exception cref="ApiProblemException">The host refused the connection (token, no hub).</exception>
    public async IAsyncEnumerable<LiveEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var hub = new Uri(host, "hubs/events");
        var events = Channel.CreateUnbounded<LiveEvent>(new UnboundedChannelOptions { SingleReader = true });
        await using var connection = new HubConnectionBuilder()
            .WithUrl(hub, options =>
            {
                if (!string.IsNullOrEmpty(token))
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .WithAutomaticReconnect()
            .Build();

        foreach (var method in Methods)
        {
            connection.On<JsonElement>(method, payload => events.Writer.TryWrite(Read(method, payload)));
        }

        connection.Reconnecting += error =>
        {
            notices.WriteLine($"connection lost ({error?.Message ?? "closed"}); reconnecting...");
            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            notices.WriteLine("reconnected; events missed meanwhile are not replayed");
            return Task.CompletedTask;
        };
        connection.Closed += error =>
        {
            events.Writer.TryComplete(new HostUnreachableException(host, $"the events hub closed the connection{(error is null ? "" : $": {error.Message}")}"));
            return Task.CompletedTask;
        };

        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            throw new ApiProblemException(status, $"The host refused {hub}", status == HttpStatusCode.NotFound ? "This host has no events hub; is it older than the CLI?" : ex.Message);
        }
        catch (HttpRequestException ex)
        {
            throw new HostUnreachableException(host, ex.InnerException?.Message ?? ex.Message, ex);
        }

        notices.WriteLine($"watching {hub} (Ctrl+C to stop)");
        await foreach (var liveEvent in events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return liveEvent;
        }
    }

    private static LiveEvent Read(string method, JsonElement payload)
    {
        var json = payload.GetRawText();
        try
        {
            return LiveEventReader.Read(method, json);
        }
        catch (JsonException)
        {
            // A shape this CLI does not know: show it as sent rather than lose it.
            return new OtherEvent(method, payload.Clone()) { Json = json };
        }
    }
}
