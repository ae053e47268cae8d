using System.CommandLine;
using Cutover.Engine.Deployments;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover history [APP]</c>: deployments, newest first, a page at a time.</summary>
public static class HistoryVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.OptionalApp("Only this application's deployments");
        var status = new Option<string?>("--status") { Description = "Only deployments with this status", HelpName = "STATUS" }
            .AcceptOnlyFromAmong([.. Enum.GetValues<DeploymentStatus>().Select(s => s.ToSnakeCase())]);
        var take = CommonOptions.Count("--take", "How many (default 50, at most 200)", 1, 200);
        var skip = CommonOptions.Count("--skip", "How many of the newest to skip", 0);
        var command = new Command("history", "List deployments, newest first") { app, status, take, skip };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.HistoryAsync(context.Value(app), context.Value(status), context.Value(skip), context.Value(take), cancellationToken);
            if (context.Json)
            {
                context.Out.WriteLine(answer.Json);
                return ExitCodes.Success;
            }

            var page = answer.Value;
            if (page.Items.Count == 0)
            {
                context.Out.WriteLine(page.Total > 0 ? $"no deployments past the first {page.Skip} (of {page.Total})" : "no deployments");
                return ExitCodes.Success;
            }

            DeploymentTable.For(page.Items).WriteTo(context.Out);
            context.Out.WriteLine($"{page.Skip + 1}-{page.Skip + page.Items.Count} of {page.Total}");
            return ExitCodes.Success;
        });
        return command;
    }
}
