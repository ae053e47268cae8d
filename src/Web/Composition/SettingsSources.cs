using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;

namespace Cutover.Web.Composition;

/// <summary>
/// Where the host's settings come from, later ones winning: the built-in defaults, appsettings.json and
/// appsettings.{Environment}.json beside the binary (when there), the file named by <c>CUTOVER_SETTINGS</c>,
/// environment variables, command-line arguments.
/// </summary>
/// <remarks>
/// The defaults are appsettings/appsettings.json compiled into the binary: an installed binary sits in /usr/local/bin
/// (its content root) with no appsettings.json beside it, and must still start with the same defaults as a build.
/// </remarks>
public static class SettingsSources
{
    /// <summary>The environment variable naming an extra JSON settings file (the installed host's /etc/cutover/appsettings.json).</summary>
    public const string FileVariable = "CUTOVER_SETTINGS";

    internal const string DefaultsResource = "cutover.appsettings.json";

    /// <summary>Adds the built-in defaults (first) and the <c>CUTOVER_SETTINGS</c> file (before the environment variables).</summary>
    /// <param name="variable">Reads an environment variable (the process's, or a test's).</param>
    /// <exception cref="SettingsFileException">The variable names a file that is missing or not a JSON settings file.</exception>
    public static ConfigurationManager AddCutoverSettings(this ConfigurationManager configuration, Func<string, string?> variable)
    {
        configuration.Sources.Insert(0, BuiltInDefaults());
        if (variable(FileVariable) is not { Length: > 0 } file)
        {
            return configuration;
        }

        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new SettingsFileException($"{FileVariable}={file}: no such file");
        }

        // Where WebApplication.CreateBuilder put the environment variables that have no prefix (after the appsettings files).
        var environmentVariables = configuration.Sources
            .Select((source, index) => (source, index))
            .FirstOrDefault(s => s.source is EnvironmentVariablesConfigurationSource { Prefix: null or "" }).index;
        if (environmentVariables == 0)
        {
            throw new InvalidOperationException("the configuration has no environment variables source to put CUTOVER_SETTINGS before");
        }

        var source = new JsonConfigurationSource
        {
            // ExclusionFilters.None: the default provider would hide a dot-file such as ~/.cutover.json.
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!, ExclusionFilters.None),
            Path = Path.GetFileName(path),
            Optional = false,
            // Like appsettings.json: console users and log levels apply without a restart.
            ReloadOnChange = true,
        };
        try
        {
            configuration.Sources.Insert(environmentVariables, source);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            configuration.Sources.Remove(source);
            throw new SettingsFileException($"{FileVariable}={file}: {ex.GetBaseException().Message}");
        }

        return configuration;
    }

    private static MemoryConfigurationSource BuiltInDefaults()
    {
        using var stream = typeof(SettingsSources).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"the binary was built without its default settings ({DefaultsResource})");
        // Read once into memory: a JSON stream source cannot be loaded again when later sources are added.
        var defaults = new ConfigurationBuilder().AddJsonStream(stream).Build();
        return new MemoryConfigurationSource { InitialData = defaults.AsEnumerable().Where(pair => pair.Value is not null).ToList() };
    }
}

/// <summary>The file named by <c>CUTOVER_SETTINGS</c> cannot be read as settings: the host refuses to start.</summary>
public sealed class SettingsFileException(string message) : Exception(message);
