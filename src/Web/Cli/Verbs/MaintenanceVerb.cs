using System.CommandLine;
using Cutover.Engine.Maintenance;
using Cutover.Web.Cli.Api;
using Cutover.Web.Cli.Api.Models;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover maintenance on|off APP</c>: every new request to the app answered 503 with a message and Retry-After, or back to normal.</summary>
public static class MaintenanceVerb
{
    public static Command Create(VerbRunner runner) =>
        new("maintenance", "Put an application in maintenance (its listener answers 503 with a short page) or lift it") { On(runner), Off(runner) };

    private static Command On(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var message = new Option<string?>("--message")
        {
            Description = $"The page's text (at most {MaintenanceRules.MaxMessageLength} characters); default: a generic sentence naming the app",
            HelpName = "TEXT",
        };
        message.Validators.Add(result =>
        {
            if (MaintenanceRules.CheckMessage(result.GetValueOrDefault<string?>()) is { } problem)
            {
                result.AddError($"--message: {problem}");
            }
        });
        var retryAfter = new Option<string?>("--retry-after")
        {
            Description = "Sent as Retry-After: a duration (30s, 5m, 1h) or whole seconds, up to 24h; default: no header",
            HelpName = "DURATION",
        };
        retryAfter.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !MaintenanceRules.TryParseRetryAfter(text, out _))
            {
                result.AddError($"--retry-after '{text}' must be {MaintenanceRules.RetryAfterExpected}");
            }
        });

        var command = new Command("on", "Answer every new request to APP with 503, the message and Retry-After, whatever slot is routed, until 'maintenance off'; in-flight requests finish. Again: changes the message")
        {
            app, message, retryAfter,
        };
        runner.Bind(command, async (context, cancellationToken) =>
            Print(context, await context.Api.MaintenanceOnAsync(context.Value(app), context.Value(message), context.Value(retryAfter), cancellationToken)));
        return command;
    }

    private static Command Off(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var command = new Command("off", "Lift APP's maintenance: requests go to its routed slot again (says so, and changes nothing, when it was not on)") { app };
        runner.Bind(command, async (context, cancellationToken) =>
            Print(context, await context.Api.MaintenanceOffAsync(context.Value(app), cancellationToken)));
        return command;
    }

    private static int Print(VerbContext context, ApiResult<MaintenanceResult> result)
    {
        if (context.Json)
        {
            context.Out.WriteLine(result.Json);
            return ExitCodes.Success;
        }

        context.Out.WriteLine(result.Value.Detail);
        return ExitCodes.Success;
    }
}
