namespace Cutover.Engine.Secrets;

/// <summary>Tells whether an environment variable's name says its value is a secret (<c>DB_PASSWORD</c>, <c>GITHUB_TOKEN</c>).</summary>
/// <remarks>
/// Matching whole words of the name (split on <c>_</c>, <c>-</c> and <c>.</c>) rather than substrings keeps
/// <c>KEYBOARD_LAYOUT</c>, <c>AUTHOR</c> or <c>MONKEY_COUNT</c> readable; suffixes of the name with its separators
/// removed catch run-together names (<c>DBPASSWORD</c>, <c>MyApiKey</c>, <c>CONN_STR</c>). Erring towards
/// redaction is deliberate: a hidden harmless value costs less than a shown password.
/// </remarks>
public static class SecretName
{
    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "TOKENS", "KEY", "KEYS",
        "APIKEY", "CREDENTIAL", "CREDENTIALS", "CREDS", "CONNECTION", "CONNECTIONSTRING", "CONNECTIONSTRINGS",
        "CONNSTR", "PRIVATE", "PRIVATEKEY", "AUTH", "CERT", "DSN", "PASSPHRASE", "PASSPHRASES",
    };

    private static readonly string[] Suffixes =
    [
        "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CONNSTR", "CONNECTIONSTRING", "CREDENTIALS", "PRIVATEKEY",
        "ACCESSKEY", "DSN",
    ];

    // Settings about a secret rather than the secret itself (CONNECTION_TIMEOUT=30, TOKEN_TTL=3600, AUTH_ENABLED=true):
    // redacting them would also blank every "30" or "true" in container output.
    private static readonly HashSet<string> SettingWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "TIMEOUT", "TTL", "SIZE", "COUNT", "LIMIT", "MAX", "MIN", "ENABLED", "DISABLED", "ENABLE", "DISABLE", "PORT",
        "LENGTH", "EXPIRY", "EXPIRES", "INTERVAL", "RETRIES",
    };

    private static readonly char[] Separators = ['_', '-', '.'];

    public static bool IsSecret(string name)
    {
        // PWD alone is the shell's working directory, set in nearly every container.
        if (name.Equals("PWD", StringComparison.OrdinalIgnoreCase) || name.Equals("OLDPWD", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parts = name.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || (parts.Length > 1 && SettingWords.Contains(parts[^1])))
        {
            return false;
        }

        if (parts.Any(Words.Contains))
        {
            return true;
        }

        var compact = string.Concat(parts);
        return Suffixes.Any(s => compact.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }
}
