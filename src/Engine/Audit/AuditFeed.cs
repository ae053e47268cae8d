using System.Runtime.CompilerServices;
using Cutover.Engine.Board;
using Cutover.Engine.Events;

namespace Cutover.Engine.Audit;

/// <summary>The audit trail live: the newest entries a filter matches, then each new one, with nothing lost in between.</summary>
public sealed class AuditFeed(AuditReader reader, EngineEventStream events)
{
    /// <remarks>Subscribes to the engine's events before reading, and passes over what the read already had (entry ids only grow).</remarks>
    public async Task<FeedSubscription<AuditEntryView>> SubscribeAsync(AuditFilter filter, int latest, CancellationToken cancellationToken)
    {
        var subscription = events.Subscribe();
        var registration = cancellationToken.Register(subscription.Dispose);
        try
        {
            var newest = new Queue<AuditEntryView>();
            var total = 0;
            await foreach (var entry in reader.ReadAsync(filter, cancellationToken))
            {
                total++;
                newest.Enqueue(entry);
                if (newest.Count > latest)
                {
                    newest.Dequeue();
                }
            }

            var shown = newest.Reverse().ToArray();
            var seen = shown.Length == 0 ? 0 : shown[0].Id;
            return new FeedSubscription<AuditEntryView>(shown, total, FollowAsync(subscription, registration, filter, seen, cancellationToken));
        }
        catch
        {
            await registration.DisposeAsync();
            subscription.Dispose();
            throw;
        }
    }

    private static async IAsyncEnumerable<AuditEntryView> FollowAsync(
        EngineEventSubscription subscription, CancellationTokenRegistration registration, AuditFilter filter, long seen, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var engineEvent in subscription.ReadAllAsync(cancellationToken))
            {
                if (engineEvent is AuditAppended { Entry: var entry } && entry.Id > seen && filter.Matches(entry))
                {
                    seen = entry.Id;
                    yield return entry;
                }
            }
        }
        finally
        {
            await registration.DisposeAsync();
            subscription.Dispose();
        }
    }
}
