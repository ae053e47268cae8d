using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Cutover.Web.Access;

/// <summary>Closes a hub connection opened with the console's cookie once its user is removed or their password hash changes.</summary>
/// <remarks>
/// The cookie is checked on each HTTP request, and a WebSocket is one request: without this, the events hub
/// would go on streaming to a browser whose user no longer exists. Token callers are not concerned; tokens are
/// fixed for the life of the process.
/// </remarks>
internal sealed class ConsoleHubSessions : IHubFilter, IDisposable
{
    private readonly ConcurrentDictionary<string, (ClaimsIdentity Identity, HubCallerContext Connection)> _open = new();
    private readonly ConsoleAccounts _accounts;

    public ConsoleHubSessions(ConsoleAccounts accounts)
    {
        _accounts = accounts;
        _accounts.Changed += CloseStale;
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.User is { } user && ConsoleAuthenticationState.ConsoleIdentity(user) is { } identity)
        {
            _open[context.Context.ConnectionId] = (identity, context.Context);
        }

        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _open.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    public void Dispose() => _accounts.Changed -= CloseStale;

    private void CloseStale()
    {
        foreach (var (id, (identity, connection)) in _open)
        {
            if (!_accounts.IsCurrent(identity) && _open.TryRemove(id, out _))
            {
                connection.Abort();
            }
        }
    }
}
