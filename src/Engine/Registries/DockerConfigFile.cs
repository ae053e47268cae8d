using System.Text;
using System.Text.Json;

namespace Cutover.Engine.Registries;

/// <summary>
/// The <c>auths</c> of the Docker CLI's config file (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>),
/// as <c>docker login</c> writes them: <c>auth</c> is base64 of <c>user:password</c>, <c>identitytoken</c> an OAuth token.
/// </summary>
/// <remarks>Credential helpers (<c>credsStore</c>, <c>credHelpers</c>) are programs Cutover does not run; they are only reported.</remarks>
public sealed record DockerConfigFile(string Path, IReadOnlyDictionary<string, RegistryLogin> Logins, IReadOnlyList<string> Helpers)
{
    /// <summary>Where the Docker CLI looks: <c>DOCKER_CONFIG</c> when set, otherwise <c>~/.docker</c>.</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var folder = environment("DOCKER_CONFIG");
        if (string.IsNullOrWhiteSpace(folder))
        {
            folder = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }

        return System.IO.Path.Combine(folder, "config.json");
    }

    /// <summary>Null when there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not a Docker config file; the message never quotes its content.</exception>
    public static DockerConfigFile? Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {ex.Message}", ex);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            // JsonException messages quote no content, but say only where it broke anyway.
            throw new InvalidDataException($"{path} is not valid JSON (line {ex.LineNumber + 1}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path} is not a JSON object.");
            }

            var logins = new Dictionary<string, RegistryLogin>(StringComparer.Ordinal);
            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject())
                {
                    if (RegistryHost.Normalize(entry.Name) is { } host && !logins.ContainsKey(host)
                        && ToLogin(host, path, entry.Name, entry.Value) is { } login)
                    {
                        logins[host] = login;
                    }
                }
            }

            var helpers = new List<string>();
            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String)
            {
                helpers.Add($"credsStore '{store.GetString()}'");
            }

            if (root.TryGetProperty("credHelpers", out var perRegistry) && perRegistry.ValueKind == JsonValueKind.Object)
            {
                helpers.AddRange(perRegistry.EnumerateObject().Select(h => $"credHelpers '{h.Name}'"));
            }

            return new DockerConfigFile(path, logins, helpers);
        }
    }

    private static RegistryLogin? ToLogin(string host, string path, string key, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? username = Text(value, "username");
        string? password = Text(value, "password");
        var token = Text(value, "identitytoken");
        if (Text(value, "auth") is { Length: > 0 } auth)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    username = pair[..colon];
                    password = pair[(colon + 1)..];
                }
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"{path}: auths.\"{key}\".auth is not base64 of user:password.");
            }
        }

        return string.IsNullOrEmpty(password) && string.IsNullOrEmpty(token)
            ? null
            : new RegistryLogin(host, path, username, string.IsNullOrEmpty(token) ? password : null, string.IsNullOrEmpty(token) ? null : token);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public override string ToString() => $"{Path} ({Logins.Count} logins)";
}
