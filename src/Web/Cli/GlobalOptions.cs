using System.CommandLine;

namespace Cutover.Web.Cli;

/// <summary>Options every verb takes: where the host is, how to authenticate, and whether to print JSON.</summary>
public sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public GlobalOptions(CliEnvironment environment)
    {
        Url = new Option<Uri?>("--url")
        {
            Description = "The host's admin API (env CUTOVER_URL)",
            HelpName = "URL",
            Recursive = true,
            DefaultValueFactory = result => environment.Variable("CUTOVER_URL") is { Length: > 0 } fromEnvironment
                ? ParseUrl(result, fromEnvironment, "CUTOVER_URL")
                : new Uri(DefaultUrl),
            CustomParser = result => ParseUrl(result, result.Tokens.Single().Value, "--url"),
        };
        Token = new Option<string?>("--token")
        {
            Description = "API token, sent as 'Authorization: Bearer' (env CUTOVER_TOKEN)",
            HelpName = "TOKEN",
            Recursive = true,
            DefaultValueFactory = _ => environment.Variable("CUTOVER_TOKEN") is { Length: > 0 } token ? token : null,
        };
        Json = new Option<bool>("--json")
        {
            Description = "Print the API's JSON as is, for scripts",
            Recursive = true,
        };
    }

    public Option<Uri?> Url { get; }

    public Option<string?> Token { get; }

    public Option<bool> Json { get; }

    private static Uri? ParseUrl(System.CommandLine.Parsing.ArgumentResult result, string text, string source)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"{source} '{text}' is not an http:// or https:// address");
        return null;
    }

    public void AddTo(Command root)
    {
        root.Add(Url);
        root.Add(Token);
        root.Add(Json);
    }
}
