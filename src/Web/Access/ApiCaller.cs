using System.Security.Claims;

namespace Cutover.Web.Access;

/// <summary>Who made a request, as the audit trail and the deployment history record it.</summary>
public static class ApiCaller
{
    /// <summary><c>local</c>, a token's name, or either prefixed with <c>s3dock</c> for s3dock's requests.</summary>
    public static string NameOf(HttpContext context)
    {
        var name = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue(ClaimTypes.Name) ?? "local" : "local";
        var isS3dock = context.Request.Headers.UserAgent.ToString().StartsWith("s3dock", StringComparison.OrdinalIgnoreCase);
        return isS3dock ? (name == "local" ? "s3dock" : $"s3dock:{name}") : name;
    }

    public static string? AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
