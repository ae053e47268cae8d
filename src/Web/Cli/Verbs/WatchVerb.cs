using System.CommandLine;
using System.Text.Json;
using Cutover.Web.Cli.Events;
using Cutover.Web.Cli.Output;
using Cutover.Web.Cli.Watching;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover watch [APP]</c>: one line per live event from the host, until Ctrl+C.</summary>
public static class WatchVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.OptionalApp("Only this application's events (host-wide config events are always shown)");
        var command = new Command("watch", "Print the host's live events (deployments, pulls, health checks, drains, audit, config) until Ctrl+C") { app };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var only = context.Value(app);
            var source = new HubEventSource(context.Url, context.Token, context.Error);
            try
            {
                await foreach (var liveEvent in source.ReadAsync(cancellationToken))
                {
                    if (only is not null && LiveEventReader.AppOf(liveEvent) is { } eventApp && eventApp != only)
                    {
                        continue;
                    }

                    context.Out.WriteLine(context.Json
                        ? $"{{\"event\":{JsonSerializer.Serialize(Name(liveEvent))},\"data\":{liveEvent.Json}}}"
                        : $"{DateTimeOffset.UtcNow:HH:mm:ss} {EventLine.For(liveEvent, withApp: true)}");
                    context.Out.Flush();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how watch ends.
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Name(LiveEvent liveEvent) => liveEvent switch
    {
        DeploymentEvent => "deployment",
        PullEvent => "pull",
        HealthEvent => "health",
        DrainEvent => "drain",
        AuditEvent => "audit",
        ConfigEvent => "config",
        OtherEvent e => e.Name,
        _ => "event",
    };
}
