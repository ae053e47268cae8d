using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Verbs;

/// <summary>Arguments and options several verbs share, so they read and validate alike.</summary>
public static class CommonOptions
{
    public static Argument<string> App(string description = "The application, as named in apps.yaml") =>
        AppName(new Argument<string>("APP") { Description = description });

    public static Argument<string?> OptionalApp(string description) =>
        AppName(new Argument<string?>("APP") { Description = description, Arity = ArgumentArity.ZeroOrOne });

    // An unknown option ("--nope") would otherwise be taken for the app's name and sent to the host.
    private static Argument<T> AppName<T>(Argument<T> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                result.AddError($"Unrecognized option '{token.Value}'");
            }
        });
        return argument;
    }

    public static Option<string?> Slot(string description) =>
        new Option<string?>("--slot") { Description = description, HelpName = "blue|green" }.AcceptOnlyFromAmong("blue", "green");

    public static Slot? SlotValue(string? name) => SlotExtensions.TryParse(name, out var slot) ? slot : null;

    /// <summary>An optional whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Option<int?> Count(string name, string description, int minimum = 1, int maximum = int.MaxValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => WholeNumber(result, name, minimum, maximum),
    };

    public static Option<bool> Wait() => new("--wait") { Description = "Wait until the deployment ends, showing its progress; exit with its outcome" };

    public static Option<int> Timeout() => new("--timeout")
    {
        Description = "With --wait: stop waiting after this many seconds (exit 5)",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 300,
        CustomParser = result => WholeNumber(result, "--timeout", 1, int.MaxValue) ?? 0,
    };

    public static Option<string?> Reason() => new("--reason") { Description = "Why; recorded with the deployment and in the audit trail", HelpName = "TEXT" };

    /// <summary>An ISO 8601 time; without an offset it is taken as UTC.</summary>
    public static Option<DateTimeOffset?> Time(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return at;
            }

            result.AddError($"{name} '{text}' is not a time; use ISO 8601, e.g. 2026-11-25T14:00:00Z or 2026-11-25");
            return null;
        },
    };

    // Parsed here rather than checked in a validator: a validator cannot read a value that failed to convert.
    private static int? WholeNumber(ArgumentResult result, string name, int minimum, int maximum)
    {
        var text = result.Tokens.Single().Value;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} '{text}' is not a whole number");
            return null;
        }

        if (value < minimum || value > maximum)
        {
            result.AddError(maximum == int.MaxValue
                ? $"{name} must be at least {minimum}, not {value}"
                : $"{name} must be between {minimum} and {maximum}, not {value}");
            return null;
        }

        return value;
    }
}
