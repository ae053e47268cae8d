using Cutover.Web.Cli;
using Cutover.Web.Composition;
using Microsoft.Extensions.Options;

// "cutover <verb> ..." is the operator's CLI; no arguments, or host-style ones (--urls, --Cutover:...), start the host.
if (CliApp.Handles(args))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json is copied next to the binary from the repository's appsettings/ folder.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddCutover();

var app = builder.Build();
app.MapCutover();
try
{
    await app.RunAsync();
    // A takeover that could not finish sets 1.
    return Environment.ExitCode;
}
catch (Cutover.Engine.Hosting.EngineLockedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (OptionsValidationException ex)
{
    // Settings are checked at start-up; say what to fix without a stack trace.
    Console.Error.WriteLine("cutover: the host did not start; fix these settings:");
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 1;
}

/// <summary>The host's entry point, public so that tests can start it in-process.</summary>
public partial class Program;
