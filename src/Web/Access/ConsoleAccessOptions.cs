using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>Who may sign in to the console (section <c>Cutover:Console</c>); with nobody configured it needs no login.</summary>
public sealed class ConsoleAccessOptions
{
    public const string SectionName = "Cutover:Console";

    /// <summary>Users and their password hashes (<c>cutover hash-password</c>); required beyond 127.0.0.1.</summary>
    public List<ConsoleAccount> Users { get; set; } = [];

    public bool LoginRequired => Users.Count > 0;
}

/// <summary>A console user: the name the audit trail records (as <c>ui:&lt;name&gt;</c>) and a PBKDF2 password hash.</summary>
public sealed class ConsoleAccount
{
    public string Name { get; set; } = string.Empty;

    public string PasswordHash { get; set; } = string.Empty;
}

/// <summary>Refuses to start a console reachable beyond this machine without users, or with unusable accounts.</summary>
internal sealed class ConsoleAccessOptionsValidator(IOptions<Cutover.Engine.EngineOptions> engine) : IValidateOptions<ConsoleAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleAccessOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (user, index) in options.Users.Select((u, i) => (u, i)))
        {
            var where = $"{ConsoleAccessOptions.SectionName}:Users:{index}";
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Any(c => char.IsWhiteSpace(c) || c == ':'))
            {
                failures.Add($"{where}:Name '{user.Name}' must be a word without spaces or colons; the audit trail records it as ui:<name>.");
            }
            else if (!names.Add(user.Name))
            {
                failures.Add($"{where}:Name '{user.Name}' is used twice.");
            }

            if (!ConsolePasswords.IsHash(user.PasswordHash))
            {
                failures.Add($"{where}:PasswordHash is not a password hash; make one with: cutover hash-password");
            }
        }

        if (!options.LoginRequired && AdminBindCheck.FirstExposed(engine.Value.AdminUrl) is { } exposed)
        {
            failures.Add(AdminBindCheck.NoUsers($"Cutover:AdminUrl {exposed}", exposed, "bind the admin URL to 127.0.0.1"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Password hashes as ASP.NET Core Identity makes them (PBKDF2 with a salt, versioned), without the rest of Identity.</summary>
public static class ConsolePasswords
{
    private static readonly PasswordHasher<ConsoleAccount> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(new ConsoleAccount(), password);

    public static bool Verify(ConsoleAccount account, string password) =>
        Hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>A version-3 hash: base64 of a marker byte 0x01 and the PRF, iterations, salt and subkey.</summary>
    public static bool IsHash(string value)
    {
        Span<byte> bytes = stackalloc byte[128];
        return Convert.TryFromBase64String(value, bytes, out var length) && length >= 13 && bytes[0] == 0x01;
    }
}
