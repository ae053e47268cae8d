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
        // The board also changes when only an app's traffic series or drain moved; its status is then the same object,
        // and a hub client (which gets statuses only) is not sent it again every 10-second window.
        var sent = snapshot.Apps.ToDictionary(a => a.Status.Name, a => a.Status, StringComparer.Ordinal);
        await foreach (var change in subscription.Changes.WithCancellation(cancellationToken))
        {
            if (change.Version <= snapshot.Version
                || (change.App is { } same && sent.TryGetValue(change.Name, out var before) && ReferenceEquals(before, same.Status)))
            {
                continue;
            }

            if (change.App is { } app)
            {
                sent[change.Name] = app.Status;
                yield return new BoardMessage("app", change.Version, change.Name, [app.Status]);
            }
            else
            {
                sent.Remove(change.Name);
                yield return new BoardMessage("app", change.Version, change.Name, []);
            }
        }
    }
}

/// <summary>One item of the board's stream: the whole board, or one app's new status, with the board's version.</summary>
public sealed record BoardMessage(string Kind, long Version, string? App, IReadOnlyList<AppStatus> Apps);
