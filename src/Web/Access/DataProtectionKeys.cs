using Cutover.Engine;
using Cutover.Engine.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace Cutover.Web.Access;

/// <summary>The keys that encrypt the console's cookie and antiforgery tokens: in <c>keys/</c> beside the database, readable by Cutover's user alone.</summary>
/// <remarks>
/// By default ASP.NET Core keeps them in <c>~/.aspnet/DataProtection-Keys</c> of whoever runs the process, with the
/// home folder's permissions; beside the database they live and are backed up with Cutover's other state, survive a
/// restart (so signed-in users stay signed in), and are shared by the host taking over from this one. They are stored
/// unencrypted (there is no machine key store on Linux), which is why the folder is 0700: anyone who can read them can
/// forge a console cookie.
/// </remarks>
internal sealed partial class DataProtectionKeys(string folder, ILogger<DataProtectionKeys> logger) : IHostedLifecycleService
{
    /// <summary>Cutover's name for its keys, so that a change of install path or binary name keeps them valid.</summary>
    public const string ApplicationName = "cutover";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Folder { get; } = folder;

    /// <summary>Where the keys go for a database path as configured (relative to the working directory, like the database).</summary>
    public static string FolderFor(string database) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database))!, "keys");

    /// <summary>Runs before any hosted service starts, data protection's own (which reads and creates keys) included.</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // No modes there: the folder inherits its parent's access rules.
                Directory.CreateDirectory(Folder);
            }
            else if (!Directory.Exists(Folder))
            {
                // The data folder as any other (the database is created there next), the key folder for this user alone.
                Directory.CreateDirectory(Path.GetDirectoryName(Folder)!);
                Directory.CreateDirectory(Folder, OwnerOnly);
            }
            else if ((File.GetUnixFileMode(Folder) & ~OwnerOnly) != 0)
            {
                Log.Tightened(logger, Folder, File.GetUnixFileMode(Folder));
                File.SetUnixFileMode(Folder, OwnerOnly);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineStartException($"the key folder {Folder} (beside Cutover:Database) cannot be prepared: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The key folder {Folder} was readable by others ({Mode}); it is now 0700")]
        public static partial void Tightened(ILogger logger, string folder, UnixFileMode mode);
    }
}

/// <summary>Registers <see cref="DataProtectionKeys"/>.</summary>
internal static class DataProtectionKeysExtensions
{
    public static WebApplicationBuilder AddDataProtectionKeys(this WebApplicationBuilder builder)
    {
        // An empty setting is refused by EngineOptions' validation, with the key's name; here it must not throw first.
        var database = builder.Configuration[$"{EngineOptions.SectionName}:{nameof(EngineOptions.Database)}"] is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : new EngineOptions().Database;
        var folder = DataProtectionKeys.FolderFor(database);
        builder.Services.AddDataProtection()
            .SetApplicationName(DataProtectionKeys.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        builder.Services.AddHostedService(sp => new DataProtectionKeys(folder, sp.GetRequiredService<ILogger<DataProtectionKeys>>()));
        return builder;
    }
}
