using System.CommandLine;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover health APP</c>: the app's recorded health checks, newest first.</summary>
public static class HealthVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var limit = CommonOptions.Count("--limit", "How many checks (default 100)");
        var slot = CommonOptions.Slot("Only this slot's checks");
        var command = new Command("health", "Show an application's health-check history, newest first") { app, limit, slot };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.HealthAsync(context.Value(app), context.Value(limit), CommonOptions.SlotValue(context.Value(slot)), cancellationToken);
            if (context.Json)
            {
                context.Out.WriteLine(answer.Json);
                return ExitCodes.Success;
            }

            var table = new Table("AT", "SLOT", "RESULT", "STATUS", "LATENCY", "DEPLOYMENT", "ERROR");
            foreach (var check in answer.Value)
            {
                table.Add(Units.Time(check.At), check.Slot.Name(), check.Healthy ? "ok" : "FAIL", check.StatusCode?.ToString(), Units.Milliseconds(check.LatencyMs), check.DeploymentId?.ToString(), check.Error);
            }

            if (table.Count == 0)
            {
                context.Out.WriteLine("no health checks recorded");
            }
            else
            {
                table.WriteTo(context.Out);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
