using System.Reflection;
using System.Text.RegularExpressions;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Web.Access;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Composition;

/// <summary>Why the host did not start, as one line per problem for stderr (exit 1), never a stack trace.</summary>
/// <remarks>
/// The host throws what it found at start-up in several shapes: an <see cref="OptionsValidationException"/> per
/// options type (several wrapped in an <see cref="AggregateException"/>), whatever a hosted service's StartAsync
/// throws (apps.yaml's <see cref="ConfigException"/>, the engine's <see cref="EngineStartException"/>), Kestrel's
/// IOException when the admin port is taken. Each becomes lines an operator can act on; the log on stdout keeps
/// the details.
/// </remarks>
/// <param name="ExitCode">1 for a refusal; 0 when a stop was asked for while starting.</param>
/// <param name="Lines">What to print on stderr, one problem a line.</param>
/// <param name="Unexpected">An exception nobody anticipated, to be dumped on stdout for a bug report.</param>
internal sealed partial record StartupRefusal(int ExitCode, IReadOnlyList<string> Lines, Exception? Unexpected = null)
{
    public const string Prefix = "cutover: cannot start: ";

    /// <summary>The refusal for an exception thrown while the host started; null when it is not one (rethrow it).</summary>
    /// <param name="lifetime">The host's, once built: tells a start cut short by SIGTERM, and a failure after start.</param>
    public static StartupRefusal? From(Exception exception, IHostApplicationLifetime? lifetime)
    {
        if (exception is HostAbortedException || lifetime?.ApplicationStarted.IsCancellationRequested == true)
        {
            // A design-time tool (dotnet ef) stopping the host on purpose, or a failure after start: not ours to explain.
            return null;
        }

        if (exception is OperationCanceledException && lifetime?.ApplicationStopping.IsCancellationRequested == true)
        {
            return new StartupRefusal(0, []);
        }

        var problems = Flatten(exception).ToList();
        var lines = problems
            .SelectMany(p => Describe(p) ?? [$"{FirstLine(p.Message)} ({p.GetType().Name}; the details are on stdout)"])
            .Select(line => Prefix + line.ReplaceLineEndings(" "))
            .Distinct()
            .ToList();
        return new StartupRefusal(1, lines, problems.FirstOrDefault(p => Describe(p) is null));
    }

    /// <summary>Writes the lines to <paramref name="error"/> (and an unexpected exception to <paramref name="output"/>); returns the exit code.</summary>
    public int WriteTo(TextWriter error, TextWriter output)
    {
        if (Unexpected is not null)
        {
            output.WriteLine(Unexpected);
        }

        foreach (var line in Lines)
        {
            error.WriteLine(line);
        }

        return ExitCode;
    }

    private static IEnumerable<Exception> Flatten(Exception exception) =>
        exception is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten) : [exception];

    /// <summary>The lines for a problem met before, or null for an unexpected one.</summary>
    private static IEnumerable<string>? Describe(Exception problem)
    {
        switch (problem)
        {
            case OptionsValidationException options:
                return options.Failures.Select(f => Rephrase(f, options.OptionsType));
            case ConfigException config:
                return config.Problems.Select(p => p.ToString());
            case EngineStartException engine:
                return [engine.Message];
            case EngineLockedException locked:
                return [locked.Message];
            case AdminExposedException exposed:
                return exposed.Problems;
            case SettingsFileException settings:
                return [settings.Message];
        }

        if (BindFailure().Match(problem.Message) is { Success: true } bind)
        {
            var address = Uri.TryCreate(bind.Groups["url"].Value, UriKind.Absolute, out var url) ? url.Authority : bind.Groups["url"].Value;
            return [Chain(problem).Any(e => e is AddressInUseException)
                ? $"{address} is already in use (Cutover:AdminUrl); stop what listens there or choose another port"
                : $"cannot listen on {address} (Cutover:AdminUrl): {Innermost(problem).Message}"];
        }

        if (ConversionFailure().Match(problem.Message) is { Success: true } conversion)
        {
            return [$"{conversion.Groups["key"].Value}: {Innermost(problem).Message}"];
        }

        if (problem.Message.StartsWith("Failed to load configuration", StringComparison.Ordinal))
        {
            // An appsettings.json that is not JSON: the inner exception says where.
            return [problem.InnerException is { } inner ? $"{problem.Message} {inner.Message}" : problem.Message];
        }

        return null;
    }

    /// <summary>DataAnnotations say "DataAnnotation validation failed for 'EngineOptions' members: 'X' with the error: '...'": name the key instead.</summary>
    private static string Rephrase(string failure, Type optionsType)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var section = optionsType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string ?? optionsType.Name;
        return $"{section}:{match.Groups["member"].Value}: {match.Groups["error"].Value}";
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static Exception Innermost(Exception exception) => Chain(exception).Last();

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex(@"^Failed to bind to address (?<url>\S+?):? ")]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"^Failed to convert configuration value (?:'[^']*' )?at '(?<key>[^']+)'")]
    private static partial Regex ConversionFailure();
}
