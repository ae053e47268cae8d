namespace Cutover.Engine.Configuration;

/// <summary>Reads a Docker-style env file (KEY=VALUE per line, # comments), at deploy time so secrets live only there.</summary>
public static class EnvFile
{
    /// <summary>The file's variables, overlaid by <paramref name="explicitEnv"/> (apps.yaml's env wins).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> MergeAsync(
        string? path,
        IReadOnlyDictionary<string, string> explicitEnv,
        CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is not null)
        {
            foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
            {
                var trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }

                var equals = trimmed.IndexOf('=');
                if (equals > 0)
                {
                    merged[trimmed[..equals].Trim()] = trimmed[(equals + 1)..];
                }
            }
        }

        foreach (var (key, value) in explicitEnv)
        {
            merged[key] = value;
        }

        return merged;
    }
}
