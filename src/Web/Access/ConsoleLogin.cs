using System.Net;
using System.Threading.RateLimiting;
using Cutover.Engine.Persistence;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>The console's sign-in: a plain form (a cookie cannot be set from a Blazor circuit), audited, rate-limited per address.</summary>
internal static class ConsoleLogin
{
    public const string Scheme = "CutoverConsole";
    public const string PolicyName = "console";
    private const string LoginLimit = "login";

    public static IServiceCollection AddConsoleLogin(this IServiceCollection services, AuthenticationBuilder authentication)
    {
        services.AddOptions<ConsoleAccessOptions>().BindConfiguration(ConsoleAccessOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleAccessOptions>, ConsoleAccessOptionsValidator>();
        services.AddSingleton<ConsoleAccounts>();
        // A circuit's sign-in ends when its user is removed or their password changes (see ConsoleAccounts).
        services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationState>();
        authentication.AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "cutover.console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = "/login";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<ConsoleAccounts>().ValidateAsync(context);
            cookie.Events.OnRedirectToLogin = context =>
            {
                // The API and the hub answer 401 themselves (with a problem); only pages are sent to the form.
                if (!IsApi(context.Request.Path))
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAssertion(context =>
            {
                var http = context.Resource as HttpContext;
                var required = http?.RequestServices.GetRequiredService<IOptions<ConsoleAccessOptions>>().Value.LoginRequired ?? true;
                return !required || context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == Scheme);
            }));
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(LoginLimit, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }

    public static IEndpointRouteBuilder MapConsoleLogin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? failed) =>
            Results.Content(Page(antiforgery.GetAndStoreTokens(context), LocalOnly(returnUrl), failed is not null), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        routes.MapPost("/login", SignInAsync).RequireRateLimiting(LoginLimit).ExcludeFromDescription();
        routes.MapGet("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(Scheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
        return routes;
    }

    /// <summary>Paths that answer 401 with a problem rather than a redirect to the sign-in form.</summary>
    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/metrics");

    private static async Task<IResult> SignInAsync(HttpContext context, ConsoleAccounts accounts, AuditLog audit, [Microsoft.AspNetCore.Mvc.FromForm] LoginForm form)
    {
        var address = context.Connection.RemoteIpAddress?.ToString();
        var account = accounts.Find(form.User);

        // The password is checked even for an unknown user, so the time taken does not tell which users exist.
        var valid = ConsolePasswords.Verify(account ?? Decoy, form.Password ?? string.Empty) && account is not null;
        await audit.AppendAsync($"ui:{form.User}", "console.login", valid ? "ok" : "refused", null, valid ? "signed in" : "wrong user or password", context.RequestAborted, address: address);
        var returnUrl = LocalOnly(form.ReturnUrl);
        if (!valid)
        {
            return Results.Redirect($"/login?failed=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        await context.SignInAsync(Scheme, ConsoleAccounts.SignedIn(account!));
        return Results.Redirect(returnUrl);
    }

    private static readonly ConsoleAccount Decoy = new() { PasswordHash = ConsolePasswords.Hash(Guid.NewGuid().ToString()) };

    /// <summary>Only paths of this host: a crafted link must not send a signed-in operator elsewhere.</summary>
    private static string LocalOnly(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    private static string Page(AntiforgeryTokenSet tokens, string returnUrl, bool failed) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Cutover · sign in</title>
        <style>
          body { font-family: system-ui, sans-serif; background: #f5f5f5; display: grid; place-items: center; min-height: 100vh; margin: 0; }
          form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.2); width: min(22rem, 90vw); }
          label { display: block; margin-top: 1rem; font-size: .9rem; } input { width: 100%; padding: .5rem; box-sizing: border-box; }
          button { margin-top: 1.5rem; width: 100%; padding: .6rem; background: #594ae2; color: #fff; border: 0; border-radius: 4px; font-size: 1rem; }
          .error { color: #b00020; margin-top: 1rem; }
        </style></head>
        <body><form method="post" action="/login">
          <h2>Cutover</h2>
          <input type="hidden" name="{{tokens.FormFieldName}}" value="{{tokens.RequestToken}}" />
          <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl)}}" />
          <label>User <input name="user" autocomplete="username" required autofocus /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
          {{(failed ? "<p class=\"error\" data-test=\"login-failed\">Wrong user or password.</p>" : string.Empty)}}
          <button type="submit">Sign in</button>
        </form></body></html>
        """;

    /// <summary>The sign-in form's fields.</summary>
    internal sealed record LoginForm(string? User, string? Password, string? ReturnUrl);
}
