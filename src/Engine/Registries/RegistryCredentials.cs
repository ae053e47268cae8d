using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Registries;

/// <summary>
/// Finds the login a pull passes: <c>Cutover:Registries</c> first, otherwise the <c>auths</c> of the Docker config
/// file, matched by the image's registry host.
/// </summary>
/// <remarks>
/// The config file is read at each pull (a pull is rare; a file read is nothing beside it), so a <c>docker login</c>
/// as Cutover's user applies without a restart. Nothing here logs a secret: logins print without them.
/// </remarks>
public sealed partial class RegistryCredentials
{
    private readonly IReadOnlyDictionary<string, RegistryLogin> _configured;
    private readonly string _configFile;
    private readonly ILogger<RegistryCredentials> _logger;
    private int _helpersNoted;

    public RegistryCredentials(IOptions<RegistryOptions> options, ILogger<RegistryCredentials> logger)
        : this(options, logger, DockerConfigFile.DefaultPath(Environment.GetEnvironmentVariable))
    {
    }

    /// <param name="configFile">The Docker config file to fall back on.</param>
    public RegistryCredentials(IOptions<RegistryOptions> options, ILogger<RegistryCredentials> logger, string configFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _configFile = configFile;
        var configured = new Dictionary<string, RegistryLogin>(StringComparer.Ordinal);
        foreach (var (login, index) in options.Value.Registries.Select((l, i) => (l, i)))
        {
            // Validated at start-up; an unreadable entry here could only come from a test skipping validation.
            if (RegistryHost.Normalize(login.Server) is { } host)
            {
                configured.TryAdd(host, new RegistryLogin(
                    host,
                    $"{RegistryOptions.ListKey}:{index}",
                    string.IsNullOrEmpty(login.Username) ? null : login.Username,
                    string.IsNullOrEmpty(login.Password) ? null : login.Password));
            }
        }

        _configured = configured;
    }

    /// <summary>The login for the image's registry, or null when none is known (the pull goes anonymous).</summary>
    public RegistryLogin? For(string image)
    {
        var registry = RegistryHost.OfImage(image);
        if (_configured.TryGetValue(registry, out var configured))
        {
            return configured;
        }

        DockerConfigFile? file;
        try
        {
            file = DockerConfigFile.Read(_configFile);
        }
        catch (InvalidDataException ex)
        {
            Log.ConfigFileUnusable(_logger, _configFile, ex.Message);
            return null;
        }

        if (file is null)
        {
            return null;
        }

        if (file.Helpers.Count > 0 && Interlocked.Exchange(ref _helpersNoted, 1) == 0)
        {
            Log.HelpersIgnored(_logger, file.Path, string.Join(", ", file.Helpers));
        }

        return file.Logins.GetValueOrDefault(registry);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The Docker config file {Path} is not used for registry logins: {Reason}")]
        public static partial void ConfigFileUnusable(ILogger logger, string path, string reason);

        [LoggerMessage(2, LogLevel.Information, "The Docker config file {Path} names credential helpers ({Helpers}); Cutover does not run them: only its auths are used. Configure Cutover:Registries for those registries.")]
        public static partial void HelpersIgnored(ILogger logger, string path, string helpers);
    }
}
