namespace Cutover.Web.Cli;

/// <summary>What the CLI reads from and writes to: its streams, its variables and its way onto the network.</summary>
/// <remarks>The process gives the real ones; unit tests give writers and a fake handler.</remarks>
/// <param name="Interactive">stdout is a terminal: progress may redraw a line instead of printing one per event.</param>
/// <param name="Handler">Makes the handler under each invocation's HttpClient; the client owns and disposes it.</param>
public sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    bool Interactive,
    Func<string, string?> Variable,
    Func<HttpMessageHandler> Handler)
{
    /// <summary>Where a verb that reads a secret (hash-password) reads it from.</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    public static CliEnvironment FromProcess() => new(
        Console.Out,
        Console.Error,
        !Console.IsOutputRedirected,
        Environment.GetEnvironmentVariable,
        () => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
    {
        Input = Console.In,
    };
}
