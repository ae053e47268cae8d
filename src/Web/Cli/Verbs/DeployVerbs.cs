using System.CommandLine;
using System.Net;
using Cutover.Engine.Configuration;
using Cutover.Web.Cli.Api;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Deployments;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>deploy</c>, <c>redeploy</c>, <c>rollback</c>, <c>cancel</c>, <c>promote</c> and <c>abort</c>: the verbs that start or stop a deployment.</summary>
public static class DeployVerbs
{
    public const int MaxIdempotencyKeyLength = 200;

    public static Command Deploy(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var image = new Argument<string>("IMAGE") { Description = "The image to deploy, e.g. shop:1.4.2 or registry.example.com/shop@sha256:..." };
        var reason = CommonOptions.Reason();
        var metadata = new Option<string[]>("--metadata")
        {
            Description = "key=value stored with the deployment (repeat for more), e.g. --metadata git_hash=abc123",
            HelpName = "KEY=VALUE",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => [],
        };
        metadata.Validators.Add(result =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pair in result.Tokens.Select(t => t.Value))
            {
                if (MetadataPair.TryParse(pair, out var key, out _) is false)
                {
                    result.AddError($"--metadata '{pair}' is not key=value");
                }
                else if (!seen.Add(key))
                {
                    result.AddError($"--metadata key '{key}' is given twice");
                }
            }
        });
        var idempotencyKey = new Option<string?>("--idempotency-key")
        {
            Description = "Retrying with the same key returns the first deployment instead of starting another",
            HelpName = "KEY",
        };
        idempotencyKey.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } key && (key.Length == 0 || key.Length > MaxIdempotencyKeyLength))
            {
                result.AddError($"--idempotency-key must be 1 to {MaxIdempotencyKeyLength} characters");
            }
        });
        var wait = CommonOptions.Wait();
        var timeout = CommonOptions.Timeout();

        var command = new Command("deploy", "Deploy an image: start it in the idle slot, health-check it, switch traffic, drain the old slot")
        {
            app, image, reason, metadata, idempotencyKey, wait, timeout,
        };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var pairs = context.Value(metadata).Select(p => MetadataPair.TryParse(p, out var k, out var v) ? (k, v) : default).ToDictionary(p => p.k, p => p.v, StringComparer.Ordinal);
            var request = new DeployRequest(context.Value(image), context.Value(reason), pairs.Count > 0 ? pairs : null);
            var started = await context.Api.DeployAsync(context.Value(app), request, context.Value(idempotencyKey), cancellationToken);
            return await FinishAsync(context, started, context.Value(wait), context.Value(timeout), cancellationToken);
        });
        return command;
    }

    public static Command Redeploy(VerbRunner runner) =>
        Restart(runner, "redeploy", "Deploy the active image again in a fresh container", (api, app, reason, ct) => api.RedeployAsync(app, reason, ct));

    public static Command Rollback(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var to = new Option<string?>("--to")
        {
            Description = "The release to go back to: an image this app has served, or the id of one of its completed deployments "
                + "(default: the release that served before the current one)",
            HelpName = "IMAGE|ID",
        };
        to.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && RollbackTarget.Why(value) is { } error)
            {
                result.AddError(error);
            }
        });
        var reason = CommonOptions.Reason();
        var wait = CommonOptions.Wait();
        var timeout = CommonOptions.Timeout();
        var command = new Command("rollback", "Go back to the previous release (a redeploy is not one), or the one --to names; its kept container is started again when there is one")
        {
            app, to, reason, wait, timeout,
        };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var name = context.Value(app);
            var named = context.Value(to);
            var target = await SayWhereAsync(context, name, named, cancellationToken);
            var started = await context.Api.RollbackAsync(name, context.Value(reason), target ?? RollbackTarget.Parse(named), cancellationToken);
            return await FinishAsync(context, started, context.Value(wait), context.Value(timeout), cancellationToken);
        });
        return command;
    }

    public static Command Cancel(VerbRunner runner)
    {
        var id = new Argument<long>("ID") { Description = "The deployment to stop; only before it switched traffic" };
        var command = new Command("cancel", "Stop a deployment that has not switched yet; it ends cancelled and the old slot keeps serving") { id };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.CancelAsync(context.Value(id), cancellationToken);
            context.Out.WriteLine(context.Json ? answer.Json : $"cancel requested: {EventLine.Deployment(answer.Value)}");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Promote(VerbRunner runner)
    {
        var id = new Argument<long>("ID") { Description = "The paused deployment, or the one in a canary step" };
        var full = new Option<bool>("--full") { Description = "Skip the remaining canary steps: straight to 100%" };
        var command = new Command("promote", "End a deployment's pause or canary hold: the next step, or with --full the switch to 100%") { id, full };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.PromoteAsync(context.Value(id), context.Value(full), cancellationToken);
            context.Out.WriteLine(context.Json ? answer.Json : $"promote requested: {EventLine.Deployment(answer.Value)}");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Abort(VerbRunner runner)
    {
        var id = new Argument<long>("ID") { Description = "The deployment to stop; at any point before it completed" };
        var command = new Command("abort", "Stop a deployment before it completes: all traffic back to the old slot at once, the new slot stopped (rolled_back)") { id };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.AbortAsync(context.Value(id), cancellationToken);
            context.Out.WriteLine(context.Json ? answer.Json : $"abort requested: {EventLine.Deployment(answer.Value)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Restart(
        VerbRunner runner,
        string name,
        string description,
        Func<ApiClient, string, string?, CancellationToken, Task<ApiResult<Deployment>>> start)
    {
        var app = CommonOptions.App();
        var reason = CommonOptions.Reason();
        var wait = CommonOptions.Wait();
        var timeout = CommonOptions.Timeout();
        var command = new Command(name, description) { app, reason, wait, timeout };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var started = await start(context.Api, context.Value(app), context.Value(reason), cancellationToken);
            return await FinishAsync(context, started, context.Value(wait), context.Value(timeout), cancellationToken);
        });
        return command;
    }

    /// <summary>Asks the host where the rollback goes and says so before sending it.</summary>
    /// <returns>The release's deployment id, so the rollback goes exactly where it said; null when the host would not say.</returns>
    private static async Task<long?> SayWhereAsync(VerbContext context, string app, string? to, CancellationToken cancellationToken)
    {
        ApiResult<RollbackPlan> plan;
        try
        {
            plan = await context.Api.RollbackPlanAsync(app, to, cancellationToken);
        }
        catch (ApiProblemException ex) when (ex.Status == HttpStatusCode.MethodNotAllowed && to is not null)
        {
            // An older host would ignore "to" and go back to its own idea of the previous image.
            throw new ApiProblemException(ex.Status, "--to not supported", $"the host at {context.Api.Host} is older than --to; roll back without it, or upgrade the host.");
        }
        catch (ApiProblemException ex) when (ex.IsRefusal)
        {
            // No release to go to, or a --to the host refuses: the rollback itself is sent so that the host answers
            // with its refusal and writes it to the audit trail, as it does for every refused request.
            return null;
        }

        var release = plan.Value.Target;
        (context.Json ? context.Error : context.Out).WriteLine(
            $"Rolling back {app} to {release.Image} (from deployment {release.DeploymentId}, completed {Units.Time(release.CompletedAt)})");
        return release.DeploymentId;
    }

    /// <summary>Without --wait: the deployment as accepted. With it: its progress, then its outcome and exit code.</summary>
    private static async Task<int> FinishAsync(VerbContext context, ApiResult<Deployment> started, bool wait, int timeoutSeconds, CancellationToken cancellationToken)
    {
        if (started.Replayed && !context.Json)
        {
            context.Error.WriteLine($"the host already had this idempotency key: deployment {started.Value.Id} is the one it started then");
        }

        if (!wait)
        {
            context.Out.WriteLine(context.Json ? started.Json : $"{EventLine.Deployment(started.Value)}{Environment.NewLine}follow it with: cutover history {started.Value.App}");
            return ExitCodes.Success;
        }

        // With --json, stdout carries only the final deployment; progress is for people.
        var display = new ProgressDisplay(context.Json ? TextWriter.Null : context.Out, context.Interactive);
        var outcome = await new DeploymentWaiter(context.Api, TimeProvider.System).WaitAsync(started, TimeSpan.FromSeconds(timeoutSeconds), display.Show, cancellationToken);
        display.Finish();

        var report = DeploymentReport.Outcome(outcome.Deployment, outcome.TimedOut);
        if (context.Json)
        {
            context.Out.WriteLine(outcome.Json);
            if (outcome.TimedOut)
            {
                context.Error.WriteLine(report);
            }
        }
        else
        {
            context.Out.WriteLine(report);
        }

        return DeploymentReport.ExitCode(outcome.Deployment, outcome.TimedOut);
    }
}

/// <summary>The value of <c>rollback --to</c>: all digits name a deployment, anything else an image.</summary>
public static class RollbackTarget
{
    /// <summary>A <see cref="long"/> deployment id or a <see cref="string"/> image, as the API's <c>"to"</c> takes them.</summary>
    public static object? Parse(string? value) =>
        value is null ? null
        : value.All(char.IsAsciiDigit) && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id
        : value.Trim();

    /// <summary>Why the value names neither, or null.</summary>
    public static string? Why(string value) => Parse(value) switch
    {
        long id when id < 1 => $"--to {value}: a deployment id is 1 or more",
        string image when !ImageReference.IsValid(image, out var error) => $"--to '{value}' is neither a deployment id nor a valid image reference: {error}",
        _ => null,
    };
}

/// <summary>One <c>--metadata key=value</c>.</summary>
public static class MetadataPair
{
    public static bool TryParse(string text, out string key, out string value)
    {
        var equals = text.IndexOf('=');
        key = equals > 0 ? text[..equals].Trim() : "";
        value = equals > 0 ? text[(equals + 1)..] : "";
        return key.Length > 0;
    }
}
