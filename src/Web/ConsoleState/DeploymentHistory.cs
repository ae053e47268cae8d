using Cutover.Engine.Board;
using Cutover.Engine.Deployments;

namespace Cutover.Web.ConsoleState;

/// <summary>The deployments page's data: the newest deployments a filter matches, kept current from the engine's changes.</summary>
public sealed class DeploymentHistory(DeploymentFeed feed)
{
    /// <summary>The newest deployments shown; older ones are a filter away (and in the API's paged history).</summary>
    public const int Shown = 1000;

    /// <summary>The newest deployments, then each one created or changed after, until cancelled; nothing in between is lost.</summary>
    public Task<FeedSubscription<DeploymentView>> SubscribeAsync(string? app, DeploymentStatus? status, CancellationToken cancellationToken) =>
        feed.SubscribeAsync(app, status, Shown, cancellationToken);

    /// <summary>The rows after a change: added or replaced while it matches the status filter, removed once it no longer does.</summary>
    public static (IReadOnlyList<DeploymentView> Rows, int Total) Apply(IReadOnlyList<DeploymentView> rows, int total, DeploymentStatus? status, DeploymentView change)
    {
        var index = rows.ToList().FindIndex(d => d.Id == change.Id);
        var matches = status is null || change.Status == status;
        if (index < 0)
        {
            return matches ? ([.. rows.Prepend(change).OrderByDescending(d => d.Id).Take(Shown)], total + 1) : (rows, total);
        }

        // A change older than what is shown (it was read after the change was made) is not a step back.
        if (change.Steps.Count < rows[index].Steps.Count)
        {
            return (rows, total);
        }

        var next = rows.ToList();
        if (matches)
        {
            next[index] = change;
            return (next, total);
        }

        next.RemoveAt(index);
        return (next, total - 1);
    }
}
