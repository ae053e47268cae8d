using System.CommandLine;
using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover logs APP</c>: the last lines a slot's container wrote, or with <c>-f</c> each line as it comes (secrets redacted by the host).</summary>
public static class LogsVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var slot = CommonOptions.Slot("Which slot's container (default: the active one)");
        var tail = CommonOptions.Count("--tail", "How many of the last lines (default 100)");
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing each line as the container writes it, until it stops or Ctrl+C" };
        var command = new Command("logs", "Print a slot's container output") { app, slot, tail, follow };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            if (context.Value(follow))
            {
                if (context.Json)
                {
                    throw new UsageException("--follow prints the container's lines as they come; it has no --json form");
                }

                await foreach (var line in context.Api.FollowLogsAsync(context.Value(app), CommonOptions.SlotValue(context.Value(slot)), context.Value(tail), cancellationToken))
                {
                    context.Out.WriteLine(line);
                }

                context.Error.WriteLine("(the output ended: the container stopped or the host went away)");
                return ExitCodes.Success;
            }

            var answer = await context.Api.LogsAsync(context.Value(app), CommonOptions.SlotValue(context.Value(slot)), context.Value(tail), cancellationToken);
            if (context.Json)
            {
                context.Out.WriteLine(answer.Json);
                return ExitCodes.Success;
            }

            // Lines as the container wrote them, like docker logs; which container goes to stderr.
            context.Error.WriteLine($"{answer.Value.App} {answer.Value.Slot.Name()} ({answer.Value.ContainerId ?? "no container"}):");
            foreach (var line in answer.Value.Lines)
            {
                context.Out.WriteLine(line);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
