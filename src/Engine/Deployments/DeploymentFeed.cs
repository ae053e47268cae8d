using System.Runtime.CompilerServices;
using Cutover.Engine.Board;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;

namespace Cutover.Engine.Deployments;

/// <summary>Deployment history live: the newest deployments of an app (or all), then each one as it is created or moves on.</summary>
public sealed class DeploymentFeed(DeploymentStore store, EngineEventStream events)
{
    /// <remarks>
    /// Subscribes to the engine's events before reading. A change may repeat what the read already had; it is the
    /// whole deployment as stored, so applying it again changes nothing.
    /// </remarks>
    /// <param name="status">Read only deployments in this status; the changes still include every status, so that one leaving it can be removed.</param>
    public async Task<FeedSubscription<DeploymentView>> SubscribeAsync(string? app, DeploymentStatus? status, int latest, CancellationToken cancellationToken)
    {
        var subscription = events.Subscribe();
        var registration = cancellationToken.Register(subscription.Dispose);
        try
        {
            var page = await store.ListAsync(app, status, 0, latest, cancellationToken);
            return new FeedSubscription<DeploymentView>(page.Items, page.Total, FollowAsync(subscription, registration, app, cancellationToken));
        }
        catch
        {
            await registration.DisposeAsync();
            subscription.Dispose();
            throw;
        }
    }

    private static async IAsyncEnumerable<DeploymentView> FollowAsync(
        EngineEventSubscription subscription, CancellationTokenRegistration registration, string? app, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var engineEvent in subscription.ReadAllAsync(cancellationToken))
            {
                if (engineEvent is DeploymentChanged { Deployment: var deployment } && (app is null || deployment.App == app))
                {
                    yield return deployment;
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
