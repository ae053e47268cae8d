using System.Security.Claims;

namespace Cutover.Web.Access;

/// <summary>Who made a request, as the audit trail and the deployment history record it.</summary>
public static class ApiCaller
{
    /// <summary><c>local</c>, a token's name, or either prefixed with <c>s3dock</c> for s3dock's requests.</summary>
    public static string NameOf(HttpContext context)
    {
        var identity = context.User.Identities.FirstOrDefault(i => i.IsAuthenticated);
        var name = identity?.FindFirst(ClaimTypes.Name)?.Value ?? "local";
        if (identity?.AuthenticationType == ConsoleLogin.Scheme)
        {
            // The console's own calls (its export downloads) are the signed-in user's.
            name = $"ui:{name}";
        }

        var isS3dock = context.Request.Headers.UserAgent.ToString().StartsWith("s3dock", StringComparison.OrdinalIgnoreCase);
        return isS3dock ? (name == "local" ? "s3dock" : $"s3dock:{name}") : name;
    }

    public static string? AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
