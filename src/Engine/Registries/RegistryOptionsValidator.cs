using Microsoft.Extensions.Options;

namespace Cutover.Engine.Registries;

/// <summary>Refuses to start with a registry login that could not be used: no server, half a credential, or one server twice.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        var servers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (login, index) in options.Registries.Select((l, i) => (l, i)))
        {
            var where = $"{RegistryOptions.ListKey}:{index}";
            if (string.IsNullOrWhiteSpace(login.Server))
            {
                failures.Add($"{where}:Server is empty: name the registry host as image names spell it (e.g. registry.example.com or 127.0.0.1:5000).");
            }
            else if (RegistryHost.Normalize(login.Server) is not { } host)
            {
                failures.Add($"{where}:Server '{login.Server}' is not a registry host (e.g. registry.example.com or 127.0.0.1:5000).");
            }
            else if (servers.TryGetValue(host, out var first))
            {
                failures.Add($"{where}:Server '{login.Server}' is the same registry as {RegistryOptions.ListKey}:{first}:Server.");
            }
            else
            {
                servers[host] = index;
            }

            // Either a full login, or none (anonymous pulls from that registry, whatever the Docker config file says).
            var hasUser = !string.IsNullOrEmpty(login.Username);
            var hasPassword = !string.IsNullOrEmpty(login.Password);
            if (hasUser && !hasPassword)
            {
                failures.Add($"{where}:Password is empty while {where}:Username is set: give both, or neither.");
            }
            else if (hasPassword && !hasUser)
            {
                failures.Add($"{where}:Username is empty while {where}:Password is set: give both, or neither.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
