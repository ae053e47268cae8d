using System.Security.Claims;

namespace Cutover.Web.ConsoleState;

/// <summary>Who is at the console and from where, captured when the circuit starts, for the audit trail.</summary>
public sealed class ConsoleUser
{
    /// <summary><c>ui:local</c> without a login, <c>ui:&lt;user&gt;</c> with one.</summary>
    public string RequestedBy { get; private set; } = "ui:local";

    public string? Address { get; private set; }

    public void Capture(HttpContext? context)
    {
        if (context is null)
        {
            return;
        }

        var signedIn = context.User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == Access.ConsoleLogin.Scheme);
        RequestedBy = signedIn?.FindFirst(ClaimTypes.Name)?.Value is { } name ? $"ui:{name}" : "ui:local";
        Address = context.Connection.RemoteIpAddress?.ToString();
    }
}
