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
            output.WriteLine($"in flight: {Quantity.Of(inFlight.Requests, "request")}, {Quantity.Of(inFlight.Sockets, "socket")}");
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
        foreach (var s in app.Slots ?? [])
        {
            if (s.Traffic is { Requests: > 0 } traffic)
            {
                output.WriteLine($"{s.Slot.Name()} traffic: {TrafficLine(traffic)}");
            }
        }
    }

    /// <summary>"1,234 requests (2xx 1,200, 4xx 30, 5xx 4; proxy errors: 502 x1), last minute p50/p95/p99 1.2/4.5/9.8 ms, 12.0 KB in, 4.5 MB out".</summary>
    public static string TrafficLine(SlotTraffic traffic)
    {
        var line = new System.Text.StringBuilder(Quantity.Of(traffic.Requests, "request"));
        var classes = traffic.ByClass is { } c
            ? new[] { ("1xx", c.Informational), ("2xx", c.Successful), ("3xx", c.Redirection), ("4xx", c.ClientError), ("5xx", c.ServerError) }
                .Where(k => k.Item2 > 0).Select(k => $"{k.Item1} {k.Item2:N0}").ToList()
            : [];
        if (traffic.Aborted > 0)
        {
            classes.Add($"aborted {traffic.Aborted:N0}");
        }

        var proxyErrors = traffic.ProxyErrors is { Total: > 0 } e
            ? new[] { ("502", e.BadGateway), ("503", e.ServiceUnavailable), ("504", e.GatewayTimeout), ("other", e.Other) }
                .Where(k => k.Item2 > 0).Select(k => $"{k.Item1} x{k.Item2:N0}")
            : [];
        var errors = string.Join(", ", proxyErrors);
        if (classes.Count > 0 || errors.Length > 0)
        {
            line.Append(" (").Append(string.Join(", ", classes)).Append(errors.Length > 0 ? $"; proxy errors: {errors}" : "").Append(')');
        }

        if (traffic.LastMinute is { Requests: > 0 } latency)
        {
            line.Append(System.Globalization.CultureInfo.InvariantCulture, $", last minute p50/p95/p99 {latency.P50Ms:0.0}/{latency.P95Ms:0.0}/{latency.P99Ms:0.0} ms");
        }

        line.Append($", {Units.Bytes(traffic.BytesIn)} in, {Units.Bytes(traffic.BytesOut)} out");
        return line.ToString();
    }
}
