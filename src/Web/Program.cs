using Cutover.Web.Composition;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json is copied next to the binary from the repository's appsettings/ folder.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddCutover();

var app = builder.Build();
app.MapCutover();
app.Run();

/// <summary>The host's entry point, public so that tests can start it in-process.</summary>
public partial class Program;
