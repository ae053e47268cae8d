using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>Who made a request, as the audit trail and the deployment history record it, and whose rate limit it counts against.</summary>
/// <remarks>
/// Only what the caller proved counts (a token, the console's cookie) or what the connection says (its address);
/// never a header the caller chooses, such as User-Agent: a tool that wants its own name gets a token of that name.
/// </remarks>
public static class ApiCaller
{
    /// <summary><c>local</c> (no tokens configured), a token's name, or <c>ui:&lt;user&gt;</c> for the console's own calls.</summary>
    public static string NameOf(HttpContext context)
    {
        var identity = context.User.Identities.FirstOrDefault(i => i.IsAuthenticated);
        var name = identity?.FindFirst(ClaimTypes.Name)?.Value ?? "local";

        // The console's own calls (its export downloads) are the signed-in user's.
        return identity?.AuthenticationType == ConsoleLogin.Scheme ? $"ui:{name}" : name;
    }

    /// <summary>The rate limit's partition: the token, else the console user, else the address (every caller is <c>local</c> without tokens).</summary>
    public static string PartitionOf(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IOptions<ApiAccessOptions>>().Value.Tokens.Count > 0;
        var authenticated = context.User.Identities.Where(i => i.IsAuthenticated).ToList();
        if (tokens && authenticated.FirstOrDefault(i => i.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName) is { } token)
        {
            return $"token:{token.FindFirst(ClaimTypes.Name)?.Value}";
        }

        if (authenticated.FirstOrDefault(i => i.AuthenticationType == ConsoleLogin.Scheme) is { } user)
        {
            return $"ui:{user.FindFirst(ClaimTypes.Name)?.Value}";
        }

        return $"address:{AddressOf(context) ?? "unknown"}";
    }

    public static string? AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
