namespace Cutover.Engine.Registries;

/// <summary>Which registry an image comes from, and the one spelling of a registry's name that lookups compare.</summary>
public static class RegistryHost
{
    /// <summary>Docker Hub, whatever name it goes by.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The key <c>docker login</c> writes for Docker Hub in config.json.</summary>
    public const string DockerHubConfigKey = "https://index.docker.io/v1/";

    private static readonly HashSet<string> DockerHubAliases = new(StringComparer.Ordinal)
    {
        "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
    };

    /// <summary>
    /// The registry host of an image name, as the docker CLI decides it: the first path component when it has a dot
    /// or a colon or is <c>localhost</c>, otherwise Docker Hub (<c>shop:1</c>, <c>library/shop</c>, <c>acme/shop</c>).
    /// </summary>
    public static string OfImage(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var name = image.Trim();
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return DockerHub;
        }

        var first = name[..slash];
        var isHost = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)
            || string.Equals(first, "localhost", StringComparison.OrdinalIgnoreCase);
        return isHost ? Normalize(first) ?? first.ToLowerInvariant() : DockerHub;
    }

    /// <summary>
    /// <c>https://Registry.Example.com:5000/v1/</c> → <c>registry.example.com:5000</c>; every Docker Hub name → <c>docker.io</c>.
    /// Null when no host can be read from it.
    /// </summary>
    public static string? Normalize(string? server)
    {
        var text = server?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        text = text.ToLowerInvariant();
        if (text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || c is '@' or '?' or '#'))
        {
            return null;
        }

        return DockerHubAliases.Contains(text) ? DockerHub : text;
    }
}
