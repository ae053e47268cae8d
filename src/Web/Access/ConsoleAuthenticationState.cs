using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Cutover.Web.Access;

/// <summary>A circuit's sign-in, as the framework sets it when the circuit opens, withdrawn once its user's configuration no longer matches.</summary>
/// <remarks>
/// The cookie is checked on each HTTP request, but a circuit is one long-lived connection: without this, a user
/// removed from the settings would keep a console they had open. <see cref="Components.Layout.SessionEnd"/> acts on
/// the withdrawal.
/// </remarks>
internal sealed class ConsoleAuthenticationState : ServerAuthenticationStateProvider, IDisposable
{
    private static readonly AuthenticationState Nobody = new(new ClaimsPrincipal(new ClaimsIdentity()));
    private readonly ConsoleAccounts _accounts;
    private ClaimsIdentity? _signedIn;

    public ConsoleAuthenticationState(ConsoleAccounts accounts)
    {
        _accounts = accounts;
        _accounts.Changed += Revalidate;
        AuthenticationStateChanged += Remember;
    }

    public void Dispose()
    {
        _accounts.Changed -= Revalidate;
        AuthenticationStateChanged -= Remember;
    }

    /// <summary>The console identity of a state, when it has one.</summary>
    public static ClaimsIdentity? ConsoleIdentity(ClaimsPrincipal user) =>
        user.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == ConsoleLogin.Scheme);

    private void Remember(Task<AuthenticationState> state)
    {
        if (state.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _signedIn, ConsoleIdentity(state.Result.User));
        }
    }

    private void Revalidate()
    {
        if (Volatile.Read(ref _signedIn) is { } identity && !_accounts.IsCurrent(identity))
        {
            Volatile.Write(ref _signedIn, null);
            SetAuthenticationState(Task.FromResult(Nobody));
        }
    }
}
