using Cutover.Engine;
using Cutover.Web.Composition;

namespace Cutover.Web.Cli.Offline;

/// <summary>
/// The database a verb that runs without a host (restore) works on, found as the host finds it: its built-in
/// appsettings.json, the file named by <c>CUTOVER_SETTINGS</c>, the <c>Cutover__Database</c> variable, then
/// <c>--Cutover:Database=...</c> style arguments; <c>--database</c> overrides them all.
/// </summary>
public static class OfflineSettings
{
    private static readonly string Key = $"{EngineOptions.SectionName}:{nameof(EngineOptions.Database)}";

    /// <param name="hostArguments">Host-style arguments (<c>--Cutover:Database=PATH</c>); anything else is a usage error.</param>
    /// <param name="contentRoot">Where the built-in appsettings.json is (the binary's folder).</param>
    /// <returns>The database's full path, relative ones resolved against the working directory as the host does.</returns>
    public static string Database(string? option, IReadOnlyList<string> hostArguments, Func<string, string?> variable, string contentRoot)
    {
        if (hostArguments.FirstOrDefault(a => !IsHostStyle(a)) is { } stray)
        {
            throw new UsageException($"unrecognized argument '{stray}' (settings go as --Cutover:Name=value, or use --database PATH)");
        }

        if (option is { Length: > 0 })
        {
            return Path.GetFullPath(option);
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(contentRoot, "appsettings.json"), optional: true);
        if (variable(SettingsSources.FileVariable) is { Length: > 0 } settings)
        {
            if (!File.Exists(settings))
            {
                throw new UsageException($"{SettingsSources.FileVariable} names {settings}, which does not exist; fix the variable or pass --database PATH");
            }

            configuration.AddJsonFile(Path.GetFullPath(settings), optional: false);
        }

        // The host reads every environment variable; these are the spellings of the one setting that matters here.
        var fromEnvironment = new[] { "Cutover__Database", "CUTOVER__DATABASE" }.Select(variable).FirstOrDefault(v => v is { Length: > 0 });
        if (fromEnvironment is not null)
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(Key, fromEnvironment)]);
        }

        configuration.AddCommandLine(hostArguments.ToArray());
        var database = configuration.Build()[Key];
        return Path.GetFullPath(database is { Length: > 0 } ? database : new EngineOptions().Database);
    }

    private static bool IsHostStyle(string argument) =>
        argument.TrimStart('-', '/').Contains(':', StringComparison.Ordinal) || argument.StartsWith("--Cutover", StringComparison.OrdinalIgnoreCase);
}
