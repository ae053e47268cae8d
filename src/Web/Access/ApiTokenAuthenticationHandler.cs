using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>Bearer tokens from <see cref="ApiAccessOptions"/>; with none configured (loopback only) every caller is <c>local</c>.</summary>
internal sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptions<ApiAccessOptions> access,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "CutoverToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var tokens = access.Value.Tokens;
        if (tokens.Count == 0)
        {
            return Task.FromResult(Success("local"));
        }

        if (PresentedToken() is not { } bearer)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = Hash(bearer);
        ApiToken? match = null;

        // Every token is compared, in constant time, so the answer's timing tells nothing about which one nearly matched.
        foreach (var token in tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, Hash(token.Token)))
            {
                match = token;
            }
        }

        return Task.FromResult(match is null ? AuthenticateResult.Fail("The token is not one of Cutover:Api:Tokens.") : Success(match.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var wrong = PresentedToken() is not null;

        // Logged, not audited: refused callers must not be able to fill the audit trail.
        Log.Refused(Logger, Request.Method, Request.Path, Context.Connection.RemoteIpAddress?.ToString(), wrong ? "wrong token" : "no token");
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = wrong ? "Wrong token" : "Token required",
                Detail = wrong
                    ? "The bearer token is not one of the host's Cutover:Api:Tokens."
                    : "This host has API tokens (Cutover:Api:Tokens): send 'Authorization: Bearer <token>' with one of them (the CLI: --token or CUTOVER_TOKEN).",
            },
        });
    }

    private string? PresentedToken()
    {
        const string Bearer = "Bearer ";
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return header[Bearer.Length..].Trim();
        }

        // Browsers cannot set headers on WebSockets and server-sent events, so SignalR clients send the token in the query.
        return Request.Path.StartsWithSegments("/hubs") && Request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }

    // Hashing first gives both sides the same length, which FixedTimeEquals needs to be constant-time.
    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private AuthenticateResult Success(string name) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName)),
            SchemeName));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refused {Method} {Path} from {Address}: {Reason}")]
        public static partial void Refused(ILogger logger, string method, string path, string? address, string reason);
    }
}
