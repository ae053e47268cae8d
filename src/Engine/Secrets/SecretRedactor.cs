using Cutover.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Secrets;

/// <summary>Masks secrets (<c>***</c>) in any text Cutover shows or stores: env values with secret-looking or listed names, every env_file value, passwords in URLs.</summary>
/// <remarks>
/// The secrets are worked out lazily from the config in force: again when a new apps.yaml is accepted (each is
/// a new snapshot), and when one of its env files changed, which is checked at most every two seconds so that
/// redacting a busy log costs no file system calls.
/// </remarks>
public sealed partial class SecretRedactor(AppsConfigMonitor config, TimeProvider time, ILogger<SecretRedactor> logger)
{
    public const string Mask = "***";

    private static readonly TimeSpan EnvFileRecheck = TimeSpan.FromSeconds(2);

    private readonly Lock _refreshGate = new();
    private SecretSet _secrets = SecretSet.Empty;

    /// <summary>The text with every known secret value (of at least 4 characters) replaced by <c>***</c>.</summary>
    public string Redact(string text) => Secrets().Redact(text);

    /// <summary>The variables with secret-named or secret values masked, and secrets inside the other values masked.</summary>
    public IReadOnlyDictionary<string, string> RedactEnv(IReadOnlyDictionary<string, string> env)
    {
        var secrets = Secrets();
        var redacted = new Dictionary<string, string>(env.Count, StringComparer.Ordinal);
        foreach (var (name, value) in env)
        {
            redacted[name] = secrets.IsSecretName(name) || secrets.IsSecretValue(value) ? Mask : secrets.Redact(value);
        }

        return redacted;
    }

    /// <summary>apps.yaml text with secret env values masked and secrets elsewhere in its values masked; layout and comments kept.</summary>
    public string RedactYaml(string appsYamlText) => AppsYamlRedaction.Redact(appsYamlText, Secrets());

    private SecretSet Secrets()
    {
        var current = config.CurrentOrNull;
        var secrets = Volatile.Read(ref _secrets);
        if (ReferenceEquals(secrets.Config, current) && !EnvFilesChanged(secrets))
        {
            return secrets;
        }

        lock (_refreshGate)
        {
            // Another caller may have rebuilt it for this config while this one waited.
            var latest = Volatile.Read(ref _secrets);
            if (!ReferenceEquals(latest, secrets) && ReferenceEquals(latest.Config, current))
            {
                return latest;
            }

            latest = Build(current);
            Volatile.Write(ref _secrets, latest);
            return latest;
        }
    }

    private bool EnvFilesChanged(SecretSet secrets)
    {
        if (secrets.EnvFiles.Count == 0 || time.GetElapsedTime(secrets.CheckedAt) < EnvFileRecheck)
        {
            return false;
        }

        secrets.CheckedAt = time.GetTimestamp();
        return secrets.EnvFiles.Any(f => EnvFileStamp.Of(f.Key) != f.Value);
    }

    private SecretSet Build(AppsConfig? current)
    {
        if (current is null)
        {
            return SecretSet.Empty;
        }

        var values = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var envFiles = new Dictionary<string, EnvFileStamp>(StringComparer.Ordinal);
        foreach (var app in current.Apps.Values)
        {
            var listed = app.Container.Secrets;
            names.UnionWith(listed);
            values.AddRange(app.Container.Env.Where(e => SecretName.IsSecret(e.Key) || listed.Contains(e.Key)).Select(e => e.Value));
            // A URL's password is masked inside the URL anyway; known as a value, it is masked where it is quoted alone too.
            values.AddRange(app.Container.Env.Values.SelectMany(UrlCredentials.Passwords));
            if (app.Container.EnvFile is not { } path)
            {
                continue;
            }

            // Stamped before reading: an edit racing the read is then seen as a change at the next check.
            envFiles[path] = EnvFileStamp.Of(path);
            try
            {
                // Every value: the point of an env file is to keep secrets out of apps.yaml, whatever their names.
                values.AddRange(EnvFile.Read(path).Values);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.EnvFileUnreadable(logger, app.Name, path, ex.Message);
            }
        }

        return new SecretSet(current, envFiles, values, time.GetTimestamp(), names);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The env_file {Path} of {App} cannot be read ({Reason}); its values are not redacted until it can")]
        public static partial void EnvFileUnreadable(ILogger logger, string app, string path, string reason);
    }
}
