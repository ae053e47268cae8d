using Cutover.Engine.Events;
using Microsoft.AspNetCore.SignalR;

namespace Cutover.Web.Live;

/// <summary>Forwards every engine event to the clients of <see cref="EventsHub"/>.</summary>
internal sealed partial class EventsHubBroadcaster(EngineEventStream events, IHubContext<EventsHub> hub, ILogger<EventsHubBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var engineEvent in events.SubscribeAsync(stoppingToken))
            {
                if (EventMessage.From(engineEvent) is not { } message)
                {
                    continue;
                }

                try
                {
                    await hub.Clients.All.SendAsync(message.Name, message.Payload, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed send must not end the stream for everyone else.
                    Log.SendFailed(logger, message.Name, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not send the {Event} event to the events hub")]
        public static partial void SendFailed(ILogger logger, string @event, Exception exception);
    }
}
