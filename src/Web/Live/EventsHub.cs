using System.Runtime.CompilerServices;
using Cutover.Engine.Board;
using Cutover.Engine.Status;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Cutover.Web.Live;

/// <summary><c>/hubs/events</c>: the engine's live events and its board, for programs outside the host (the CLI's watch, dashboards).</summary>
/// <remarks>
/// Server to client: deployment, pull, drain, health, audit and config messages, each naming its app; and the
/// <see cref="WatchApps"/> stream, the board's snapshot then each app's change, as the console reads it.
/// </remarks>
[Authorize]
public sealed class EventsHub(AppBoard board) : Hub
{
    /// <summary>Every application (<c>snapshot</c>), then one application each time it changes (<c>app</c>, without status when it left apps.yaml).</summary>
    public async IAsyncEnumerable<BoardMessage> WatchApps([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = await board.SubscribeAsync(cancellationToken);
        var snapshot = subscription.Snapshot;
        yield return new BoardMessage("snapshot", snapshot.Version, null, [.. snapshot.Apps.Select(a => a.Status)]);
        await foreach (var change in subscription.Changes.WithCancellation(cancellationToken))
        {
            if (change.Version > snapshot.Version)
            {
                yield return new BoardMessage("app", change.Version, change.Name, change.App is { } app ? [app.Status] : []);
            }
        }
    }
}

/// <summary>One item of the board's stream: the whole board, or one app's new status, with the board's version.</summary>
public sealed record BoardMessage(string Kind, long Version, string? App, IReadOnlyList<AppStatus> Apps);
