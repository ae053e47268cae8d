using Cutover.Web.Cli;
using Cutover.Web.Composition;
using Cutover.Web.Memory;

// "cutover <verb> ..." is the operator's CLI; no arguments, or host-style ones (--urls, --Cutover:...), start the host.
if (CliApp.Handles(args))
{
    return await CliApp.RunAsync(args);
}

MallocArenas.ApplyLimit(Environment.GetEnvironmentVariable);

// Taken before RunAsync, which disposes the host (and its services) when start fails.
IHostApplicationLifetime? lifetime = null;
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        // A build has appsettings.json beside the binary; the defaults are built in too (SettingsSources).
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.Configuration.AddCutoverSettings(Environment.GetEnvironmentVariable);
    builder.AddCutover();

    var app = builder.Build();
    app.MapCutover();
    lifetime = app.Lifetime;
    await app.RunAsync();
    // A takeover that could not finish sets 1.
    return Environment.ExitCode;
}
catch (Exception ex) when (StartupRefusal.From(ex, lifetime) is { } refusal)
{
    // Settings, apps.yaml, a taken port: one line per problem on stderr and exit 1, never a stack trace.
    return refusal.WriteTo(Console.Error, Console.Out);
}

/// <summary>The host's entry point, public so that tests can start it in-process.</summary>
public partial class Program;
