using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;

namespace Cutover.Web.ConsoleState;

/// <summary>The deployments page's data: a filtered page of history, re-read when a deployment changes.</summary>
public sealed class DeploymentHistory(DeploymentStore store, EngineEventStream events)
{
    /// <summary>The newest deployments shown; older ones are a filter away (and in the API's paged history).</summary>
    public const int Shown = 1000;

    public event Action? Changed;

    public Task<DeploymentPage> LoadAsync(string? app, DeploymentStatus? status, CancellationToken cancellationToken) =>
        store.ListAsync(app, status, 0, Shown, cancellationToken);

    /// <summary>Raises <see cref="Changed"/> when a deployment starts or ends, until cancelled.</summary>
    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in events.SubscribeAsync(cancellationToken))
            {
                if (e is DeploymentChanged { Deployment: var d } && (d.Status == DeploymentStatus.Queued || d.Status.IsTerminal()))
                {
                    Changed?.Invoke();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
