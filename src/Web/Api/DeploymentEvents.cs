using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;
using Cutover.Web.Live;

namespace Cutover.Web.Api;

/// <summary><c>GET /api/deployments/{id}/events</c>: one deployment's progress as server-sent events, until it ends.</summary>
internal static class DeploymentEvents
{
    public static async Task<IResult> StreamAsync(long id, DeploymentStore store, EngineEventStream events, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"There is no deployment {id}.");
        }

        return TypedResults.ServerSentEvents(ReadAsync(id, store, events, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> ReadAsync(
        long id, DeploymentStore store, EngineEventStream events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribe before reading the stored state, so nothing that happens in between is missed.
        using var subscription = events.Subscribe();
        await using var live = subscription.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var current = await store.GetAsync(id, cancellationToken);
        if (current is null)
        {
            yield break;
        }

        yield return new SseItem<object>(current, "deployment");
        if (current.Status.IsTerminal())
        {
            yield break;
        }

        while (await live.MoveNextAsync())
        {
            if (EventMessage.From(live.Current) is not { } message || message.DeploymentId != id)
            {
                continue;
            }

            yield return new SseItem<object>(message.Payload, message.Name);
            if (live.Current is DeploymentChanged { Deployment.Status: var status } && status.IsTerminal())
            {
                yield break;
            }
        }
    }
}
