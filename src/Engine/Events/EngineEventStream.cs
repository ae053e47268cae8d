using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Cutover.Engine.Events;

/// <summary>Fans engine events out to every live subscriber; a slow subscriber loses its oldest events, never blocks the engine.</summary>
public sealed class EngineEventStream
{
    private const int SubscriberCapacity = 1024;
    private readonly Lock _gate = new();
    private readonly List<Channel<EngineEvent>> _subscribers = [];

    public void Publish(EngineEvent engineEvent)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(engineEvent);
            }
        }
    }

    /// <summary>Every event published from now until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<EngineEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        try
        {
            await foreach (var engineEvent in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return engineEvent;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
