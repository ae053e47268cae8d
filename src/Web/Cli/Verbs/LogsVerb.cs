using System.CommandLine;
using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover logs APP</c>: the last lines a slot's container wrote (secrets redacted by the host).</summary>
public static class LogsVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.App();
        var slot = CommonOptions.Slot("Which slot's container (default: the active one)");
        var tail = CommonOptions.Count("--tail", "How many of the last lines (default 100)");
        var command = new Command("logs", "Print a slot's container output") { app, slot, tail };
        runner.Bind(command, async (context, cancellationToken) =>
        {
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
