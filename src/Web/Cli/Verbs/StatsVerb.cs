using System.CommandLine;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover stats [APP]</c>: outcomes and durations of finished deployments.</summary>
public static class StatsVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.OptionalApp("Only this application");
        var command = new Command("stats", "Show deployment outcomes and durations per application") { app };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            string json;
            IReadOnlyList<DeploymentStats> rows;
            if (context.Value(app) is { } name)
            {
                var one = await context.Api.StatsAsync(name, cancellationToken);
                (json, rows) = (one.Json, [one.Value with { App = one.Value.App ?? name }]);
            }
            else
            {
                var all = await context.Api.StatsAsync(cancellationToken);
                (json, rows) = (all.Json, all.Value);
            }

            if (context.Json)
            {
                context.Out.WriteLine(json);
                return ExitCodes.Success;
            }

            var table = new Table("APP", "TOTAL", "COMPLETED", "ROLLED BACK", "FAILED", "CANCELLED", "SUCCESS", "MEDIAN", "P95");
            foreach (var s in rows)
            {
                table.Add(s.App, s.Total.ToString(), s.Completed.ToString(), s.RolledBack.ToString(), s.Failed.ToString(), s.Cancelled.ToString(), Units.Percent(s.SuccessRate), Units.Seconds(s.MedianSeconds), Units.Seconds(s.P95Seconds));
            }

            table.WriteTo(context.Out);
            return ExitCodes.Success;
        });
        return command;
    }
}
