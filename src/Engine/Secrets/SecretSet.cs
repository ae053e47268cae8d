using System.Text.RegularExpressions;
using Cutover.Engine.Configuration;

namespace Cutover.Engine.Secrets;

/// <summary>The secret values of one apps.yaml version and the env files it names, with one pattern that finds them all.</summary>
internal sealed class SecretSet
{
    /// <summary>Shorter values are not redacted where they occur in text: "1" or "dev" would blank half a log line.</summary>
    public const int MinimumValueLength = 4;

    private readonly HashSet<string> _values;
    private readonly Regex? _pattern;
    private readonly HashSet<string> _names;
    private long _checkedAt;

    /// <param name="names">Names apps list under <c>container.secrets</c>, masked beside those <see cref="SecretName"/> recognises.</param>
    public SecretSet(
        AppsConfig? config, IReadOnlyDictionary<string, EnvFileStamp> envFiles, IEnumerable<string> values, long checkedAt, IEnumerable<string>? names = null)
    {
        Config = config;
        _names = (names ?? []).ToHashSet(StringComparer.Ordinal);
        EnvFiles = envFiles;
        _values = values.SelectMany(Variants).Where(v => v.Length >= MinimumValueLength).ToHashSet(StringComparer.Ordinal);
        _checkedAt = checkedAt;
        if (_values.Count > 0)
        {
            // Longest first: where "hunter22" and "hunter22-admin" are both secrets, the longer one is masked whole.
            var alternatives = _values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal).Select(Regex.Escape);
            _pattern = new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
        }
    }

    public static SecretSet Empty { get; } = new(null, new Dictionary<string, EnvFileStamp>(), [], 0);

    /// <summary>The config this set was built from (compared by reference: each accepted config is a new snapshot).</summary>
    public AppsConfig? Config { get; }

    /// <summary>Each env file as it was when read, to notice an edit that apps.yaml does not show.</summary>
    public IReadOnlyDictionary<string, EnvFileStamp> EnvFiles { get; }

    /// <summary>When the env files were last compared with their stamps (a <see cref="TimeProvider"/> timestamp).</summary>
    public long CheckedAt
    {
        get => Volatile.Read(ref _checkedAt);
        set => Volatile.Write(ref _checkedAt, value);
    }

    public bool IsSecretValue(string value) => _values.Contains(value);

    /// <summary>Whether a variable of this name holds a secret: its name looks like one, or an app lists it under <c>container.secrets</c>.</summary>
    /// <remarks>The listed names are not told apart by app: a name one app calls secret is masked in every app's view.</remarks>
    public bool IsSecretName(string name) => _names.Contains(name) || SecretName.IsSecret(name);

    /// <summary>The text with every known secret value, and every password in a URL, masked.</summary>
    public string Redact(string text)
    {
        if (text.Length < MinimumValueLength)
        {
            return text;
        }

        var masked = _pattern is null ? text : _pattern.Replace(text, SecretRedactor.Mask);
        return UrlCredentials.Mask(masked);
    }

    /// <summary>The value as written and as a program is likely to print it: an env file's quotes and padding are kept by Docker but not by every reader.</summary>
    private static IEnumerable<string> Variants(string value)
    {
        yield return value;
        var trimmed = value.Trim();
        yield return trimmed;
        if (trimmed.Length >= 2 && trimmed[0] == trimmed[^1] && trimmed[0] is '"' or '\'')
        {
            yield return trimmed[1..^1];
        }
    }
}

/// <summary>An env file's existence, size and write time when it was read.</summary>
internal readonly record struct EnvFileStamp(bool Exists, long Length, DateTime LastWriteUtc)
{
    public static EnvFileStamp Of(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? new EnvFileStamp(true, file.Length, file.LastWriteTimeUtc) : default;
    }
}
