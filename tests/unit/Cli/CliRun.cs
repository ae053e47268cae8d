using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary>Runs <c>cutover &lt;args&gt;</c> in-process against a fake API and captures what it printed.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> RunAsync(HttpMessageHandler api, params string[] args) =>
        await RunAsync(api, new Dictionary<string, string>(), interactive: false, args);

    public static async Task<CliRun> RunAsync(HttpMessageHandler api, IReadOnlyDictionary<string, string> variables, bool interactive, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var environment = new CliEnvironment(output, error, interactive, name => variables.GetValueOrDefault(name), () => new NonDisposingHandler(api));
        var code = await new CliApp(environment).RunAsync(args, CancellationToken.None);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";

    // The CLI disposes its HttpClient (and so its handler) per run; the fake lives for the whole test.
    private sealed class NonDisposingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
