using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Cutover.Web.Access;

/// <summary>The console users in force now, re-read when the host's settings reload, and the stamp that ties a sign-in to its user's password hash.</summary>
/// <remarks>
/// A console cookie carries its user's name and a stamp: a SHA-256 of the password hash configured when they
/// signed in (never the hash itself, though the cookie is encrypted anyway). A cookie whose user is gone, or whose
/// hash has changed since, is refused on its next request, and live circuits are told through <see cref="Changed"/>.
/// The list is read from configuration rather than through an options monitor: a reload with a mistake in it must
/// not throw from the file watcher's callback; it leaves nobody signed in (failing closed) and logs why.
/// </remarks>
internal sealed partial class ConsoleAccounts : IDisposable
{
    /// <summary>The claim holding the stamp.</summary>
    public const string StampClaim = "cutover:console-stamp";

    private readonly IConfiguration _configuration;
    private readonly IEnumerable<IValidateOptions<ConsoleAccessOptions>> _validators;
    private readonly ILogger<ConsoleAccounts> _logger;
    private readonly IDisposable _reloads;
    private volatile IReadOnlyDictionary<string, ConsoleAccount> _users;

    public ConsoleAccounts(
        IConfiguration configuration,
        IOptions<ConsoleAccessOptions> startup,
        IEnumerable<IValidateOptions<ConsoleAccessOptions>> validators,
        ILogger<ConsoleAccounts> logger)
    {
        _configuration = configuration;
        _validators = validators;
        _logger = logger;
        LoginRequired = startup.Value.LoginRequired;
        // From the configuration as it is now, not as at start: a reload may have come before the first sign-in.
        _users = Read();
        _reloads = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>Raised after the users were re-read; a handler checks whether its sign-in still holds.</summary>
    public event Action? Changed;

    /// <summary>As at start: a reload that empties the list locks the console rather than opening it.</summary>
    public bool LoginRequired { get; }

    public ConsoleAccount? Find(string? name) => name is not null && _users.TryGetValue(name, out var account) ? account : null;

    /// <summary>The identity a successful sign-in gets: the user's name and the stamp of their current hash.</summary>
    public static ClaimsPrincipal SignedIn(ConsoleAccount account) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, account.Name), new Claim(StampClaim, Stamp(account))],
        ConsoleLogin.Scheme));

    /// <summary>True when the identity's user is still configured with the password hash they signed in with.</summary>
    public bool IsCurrent(ClaimsIdentity identity)
    {
        if (Find(identity.FindFirst(ClaimTypes.Name)?.Value) is not { } account || identity.FindFirst(StampClaim)?.Value is not { } stamp)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stamp), Encoding.ASCII.GetBytes(Stamp(account)));
    }

    /// <summary>The cookie handler's <see cref="CookieAuthenticationEvents.OnValidatePrincipal"/>: a stale cookie is refused and deleted.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.Identity is ClaimsIdentity identity && IsCurrent(identity))
        {
            return;
        }

        Log.StaleCookie(_logger, context.Principal?.Identity?.Name, context.HttpContext.Connection.RemoteIpAddress?.ToString());
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ConsoleLogin.Scheme);
    }

    public void Dispose() => _reloads.Dispose();

    private static string Stamp(ConsoleAccount account) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(account.PasswordHash)));

    // Names are unique once validated.
    private static Dictionary<string, ConsoleAccount> ByName(ConsoleAccessOptions options) =>
        options.Users.ToDictionary(u => u.Name, StringComparer.Ordinal);

    private void Reload()
    {
        _users = Read();
        Log.Reloaded(_logger, _users.Count);
        try
        {
            Changed?.Invoke();
        }
        catch (Exception ex)
        {
            // Never out of the configuration's change callback: that would take the file watcher down.
            Log.ChangeFailed(_logger, ex);
        }
    }

    private Dictionary<string, ConsoleAccount> Read()
    {
        var options = new ConsoleAccessOptions();
        var failures = new List<string>();
        try
        {
            _configuration.GetSection(ConsoleAccessOptions.SectionName).Bind(options);
            failures.AddRange(_validators.Select(v => v.Validate(Options.DefaultName, options)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []));
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }

        if (failures.Count == 0)
        {
            return ByName(options);
        }

        Log.ReloadRefused(_logger, string.Join(" ", failures));
        return new(StringComparer.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refused the console cookie of {User} from {Address}: the user is no longer configured, or their password hash changed; they must sign in again")]
        public static partial void StaleCookie(ILogger logger, string? user, string? address);

        [LoggerMessage(2, LogLevel.Error, "The Cutover:Console settings as reloaded are invalid, so nobody can sign in to the console until they are fixed: {Failures}")]
        public static partial void ReloadRefused(ILogger logger, string failures);

        [LoggerMessage(3, LogLevel.Information, "Console users re-read: {Count} configured; sign-ins of removed users or changed passwords end now")]
        public static partial void Reloaded(ILogger logger, int count);

        [LoggerMessage(4, LogLevel.Error, "Ending the console sessions of changed users failed")]
        public static partial void ChangeFailed(ILogger logger, Exception exception);
    }
}
