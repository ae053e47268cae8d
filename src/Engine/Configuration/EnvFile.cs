namespace Cutover.Engine.Configuration;

/// <summary>Reads a Docker-style env file (KEY=VALUE per line, # comments), at deploy time so secrets live only there.</summary>
public static class EnvFile
{
    /// <summary>The largest env file read; a larger one is refused, as is anything but a regular file.</summary>
    public const long MaxBytes = BoundedFile.OneMebibyte;

    private const string What = "env files";

    /// <summary>The file's variables, overlaid by <paramref name="explicitEnv"/> (apps.yaml's env wins).</summary>
    /// <exception cref="IOException">The file cannot be read, is not a regular file (<see cref="BoundedFileException"/>) or is too large.</exception>
    public static async Task<IReadOnlyDictionary<string, string>> MergeAsync(
        string? path,
        IReadOnlyDictionary<string, string> explicitEnv,
        CancellationToken cancellationToken)
    {
        var merged = path is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : Parse(Lines(await BoundedFile.ReadAllTextAsync(path, MaxBytes, What, cancellationToken)));
        foreach (var (key, value) in explicitEnv)
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>The file's variables, read now (for the secret redactor, which must know every value).</summary>
    /// <exception cref="IOException">The file cannot be read, is not a regular file (<see cref="BoundedFileException"/>) or is too large.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path) => Parse(Lines(BoundedFile.ReadAllText(path, MaxBytes, What)));

    private static IEnumerable<string> Lines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static Dictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var equals = trimmed.IndexOf('=');
            if (equals > 0)
            {
                variables[trimmed[..equals].Trim()] = trimmed[(equals + 1)..];
            }
        }

        return variables;
    }
}
