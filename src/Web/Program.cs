var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCutoverProxy();

var app = builder.Build();
app.Run();

/// <summary>The host's entry point, public so that tests can start it in-process.</summary>
public partial class Program;
