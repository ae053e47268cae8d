namespace Cutover.Engine.Registries;

/// <summary>The credentials a pull from <see cref="Registry"/> passes, and where they were found (said in errors; the secrets never are).</summary>
/// <param name="Registry">The normalized registry host (<see cref="RegistryHost.Normalize"/>).</param>
/// <param name="Source">Where the login came from: <c>Cutover:Registries:0</c>, or the Docker config file's path.</param>
/// <param name="IdentityToken">An OAuth refresh token (<c>identitytoken</c> in config.json), used instead of the password.</param>
public sealed record RegistryLogin(string Registry, string Source, string? Username, string? Password, string? IdentityToken = null)
{
    /// <summary>False for a configured server without credentials: pulls from it go anonymous.</summary>
    public bool HasCredentials => !string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(IdentityToken);

    /// <summary>The secret values, longest first, for scrubbing them out of any text about this login.</summary>
    public IEnumerable<string> Secrets => new[] { Password, IdentityToken }
        .Where(s => !string.IsNullOrEmpty(s))
        .Select(s => s!)
        .OrderByDescending(s => s.Length);

    /// <summary>The text with every secret of this login replaced by <c>***</c>.</summary>
    public string Scrub(string text)
    {
        foreach (var secret in Secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    // A record prints every member by default: a login in a log line or an exception must not carry its password.
    public override string ToString() => $"{Registry} from {Source} (user {Username ?? "-"})";
}
