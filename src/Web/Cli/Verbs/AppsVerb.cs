using System.CommandLine;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover apps [APP]</c>: every application in a table, or one with both its slots.</summary>
public static class AppsVerb
{
    public static Command Create(VerbRunner runner)
    {
        var app = CommonOptions.OptionalApp("Show this application with both slots");
        var command = new Command("apps", "List the applications, or show one with both its slots") { app };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            if (context.Value(app) is { } name)
            {
                var one = await context.Api.AppAsync(name, cancellationToken);
                if (context.Json)
                {
                    context.Out.WriteLine(one.Json);
                }
                else
                {
                    WriteDetail(one.Value, context.Out);
                }

                return ExitCodes.Success;
            }

            var all = await context.Api.AppsAsync(cancellationToken);
            if (context.Json)
            {
                context.Out.WriteLine(all.Json);
                return ExitCodes.Success;
            }

            var table = new Table("APP", "ACTIVE", "IMAGE", "HEALTH", "REQUESTS", "SOCKETS", "LISTEN", "DEPLOYING");
            foreach (var a in all.Value)
            {
                table.Add(a.Name, a.ActiveSlot?.Name(), a.ActiveImage, a.Health, a.InFlight?.Requests.ToString(), a.InFlight?.Sockets.ToString(), a.Listen, a.RunningDeploymentId?.ToString());
            }

            if (table.Count == 0)
            {
                context.Out.WriteLine("no applications in apps.yaml");
            }
            else
            {
                table.WriteTo(context.Out);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static void WriteDetail(AppSummary app, TextWriter output)
    {
        output.WriteLine($"{app.Name}: {app.Health ?? "unknown"}, serving {app.ActiveImage ?? "nothing"}{(app.ActiveSlot is { } slot ? $" from {slot.Name()}" : "")} on {app.Listen ?? "-"}");
        if (app.ConfiguredImage is { } configured && configured != app.ActiveImage)
        {
            output.WriteLine($"apps.yaml image: {configured}");
        }

        if (app.InFlight is { } inFlight)
        {
            output.WriteLine($"in flight: {inFlight.Requests} request(s), {inFlight.Sockets} socket(s)");
        }

        if (app.RunningDeploymentId is { } running)
        {
            output.WriteLine($"deployment under way: {running}");
        }

        if (app.ListenerError is { Length: > 0 } listenerError)
        {
            output.WriteLine($"listener error: {listenerError}");
        }

        var slots = new Table("SLOT", "PORT", "ACTIVE", "RUNNING", "HEALTH", "IMAGE", "CONTAINER", "LAST CHECK", "REQUESTS", "SOCKETS");
        foreach (var s in app.Slots ?? [])
        {
            slots.Add(
                s.Slot.Name(),
                s.Port.ToString(),
                s.Active ? "yes" : "no",
                s.Running ? "yes" : "no",
                s.Health,
                s.Image,
                s.ContainerId is { Length: > 12 } id ? id[..12] : s.ContainerId,
                s.LastCheck is { } check ? $"{EventLine.Health(check)} at {Units.Time(check.At)}" : null,
                s.InFlight?.Requests.ToString(),
                s.InFlight?.Sockets.ToString());
        }

        slots.WriteTo(output);
    }
}
