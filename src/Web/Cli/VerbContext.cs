using System.CommandLine;
using Cutover.Web.Cli.Api;

namespace Cutover.Web.Cli;

/// <summary>One run of one verb: its parsed arguments, where it writes, and its client for the host (made on first use).</summary>
public sealed class VerbContext(CliEnvironment environment, GlobalOptions globals, ParseResult parse) : IDisposable
{
    private ApiClient? _api;

    public ParseResult Parse { get; } = parse;

    public TextWriter Out => environment.Out;

    public TextWriter Error => environment.Error;

    public TextReader In => environment.Input;

    public Func<string, string?> Variable => environment.Variable;

    public bool Interactive => environment.Interactive;

    /// <summary><c>--json</c>: stdout carries the API's JSON only.</summary>
    public bool Json => Parse.GetValue(globals.Json);

    public Uri Url => EnsureTrailingSlash(Parse.GetValue(globals.Url)!);

    public string? Token => Parse.GetValue(globals.Token);

    public ApiClient Api => _api ??= new ApiClient(environment.Handler(), Url, Token);

    public T Value<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    public T Value<T>(Option<T> option) => Parse.GetValue(option)!;

    public void Dispose() => _api?.Dispose();

    // "http://host:5080/prefix" must keep its prefix when "api/..." is resolved against it.
    private static Uri EnsureTrailingSlash(Uri url) => url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
}
