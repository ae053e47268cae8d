// The benchmark's backend: the cheapest possible answer, so that the measurement is about what sits in front.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => "hello\n");
app.Run();
