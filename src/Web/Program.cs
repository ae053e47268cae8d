using Cutover.Web.Cli;
using Cutover.Web.Composition;

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
await app.RunAsync();
return 0;

/// <summary>The host's entry point, public so that tests can start it in-process.</summary>
public partial class Program;
