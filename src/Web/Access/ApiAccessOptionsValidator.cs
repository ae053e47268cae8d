using Cutover.Engine;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>Refuses to start an API reachable beyond this machine without tokens, or with tokens nobody could use safely.</summary>
internal sealed class ApiAccessOptionsValidator(IOptions<EngineOptions> engine) : IValidateOptions<ApiAccessOptions>
{
    /// <summary>Tokens shorter than this are guessable; a generated token (e.g. <c>openssl rand -hex 32</c>) is far longer.</summary>
    private const int MinimumTokenLength = 24;

    public ValidateOptionsResult Validate(string? name, ApiAccessOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (token, index) in options.Tokens.Select((t, i) => (t, i)))
        {
            var where = $"{ApiAccessOptions.SectionName}:Tokens:{index}";
            if (string.IsNullOrWhiteSpace(token.Name))
            {
                failures.Add($"{where}:Name is empty: name each token, the audit trail records it.");
            }
            else if (!names.Add(token.Name))
            {
                failures.Add($"{where}:Name '{token.Name}' is used twice.");
            }

            if (token.Token.Length < MinimumTokenLength)
            {
                failures.Add($"{where}:Token is shorter than {MinimumTokenLength} characters (generate one with: openssl rand -hex 32).");
            }
        }

        foreach (var (host, index) in options.AllowedHosts.Select((h, i) => (h, i)))
        {
            // Compared with the Host header's name alone (see AdminHosts).
            if (Uri.CheckHostName(host) is UriHostNameType.Unknown or UriHostNameType.Basic)
            {
                failures.Add($"{ApiAccessOptions.SectionName}:AllowedHosts:{index} '{host}' is not a host name (give the name alone, e.g. cutover.internal: no scheme, port or path).");
            }
        }

        if (options.Tokens.Count == 0 && AdminBindCheck.FirstExposed(engine.Value.AdminUrl) is { } exposed)
        {
            failures.Add(AdminBindCheck.NoTokens($"Cutover:AdminUrl {exposed}", exposed, "bind the admin URL to 127.0.0.1"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True when every address of the list stays on this machine (see <see cref="AdminAddress"/>).</summary>
    internal static bool IsLoopback(string urls) =>
        AdminAddress.Split(urls).ToList() is { Count: > 0 } list && list.All(AdminAddress.StaysOnThisMachine);
}
