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

    /// <summary>Starts buffering events at once, so a caller can read a snapshot after subscribing and miss nothing.</summary>
    public EngineEventSubscription Subscribe()
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

        return new EngineEventSubscription(channel.Reader, () =>
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        });
    }

    /// <summary>Every event published from the first read until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<EngineEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = Subscribe();
        await foreach (var engineEvent in subscription.ReadAllAsync(cancellationToken))
        {
            yield return engineEvent;
        }
    }
}

/// <summary>One subscriber's buffered events; disposing it unsubscribes.</summary>
public sealed class EngineEventSubscription(ChannelReader<EngineEvent> reader, Action unsubscribe) : IDisposable
{
    public IAsyncEnumerable<EngineEvent> ReadAllAsync(CancellationToken cancellationToken) => reader.ReadAllAsync(cancellationToken);

    public void Dispose() => unsubscribe();
}
