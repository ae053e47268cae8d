using System.CommandLine;
using System.Text.Json;
using Cutover.Web.Cli.Output;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover status</c>: the host's version, uptime, apps file, running deployments and any refused config edit.</summary>
public static class StatusVerb
{
    public static Command Create(VerbRunner runner)
    {
        var command = new Command("status", "Show the host: version, uptime, apps.yaml, deployments under way");
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var answer = await context.Api.StatusAsync(cancellationToken);
            if (context.Json)
            {
                context.Out.WriteLine(answer.Json);
                return ExitCodes.Success;
            }

            var status = answer.Value;
            var up = status.StartedAt is { } started ? $", up since {Units.Time(started)} ({Units.Duration(DateTimeOffset.UtcNow - started)})" : "";
            context.Out.WriteLine($"cutover {status.Version ?? "?"} at {context.Url}{up}");
            context.Out.WriteLine($"apps file: {status.AppsFile ?? "-"}");
            context.Out.WriteLine($"apps: {Apps(status.Apps)}");
            if (status.Docker is { } docker)
            {
                context.Out.WriteLine($"docker live-restore: {docker.LiveRestore switch { true => "on", false => "off", null => "not read yet" }}");
                if (docker.Warning is { } warning)
                {
                    context.Out.WriteLine($"warning: {warning}");
                }
            }

            var running = status.Running ?? [];
            if (running.Count == 0)
            {
                context.Out.WriteLine("deployments under way: none");
            }
            else
            {
                context.Out.WriteLine("deployments under way:");
                DeploymentTable.For(running).WriteTo(context.Out);
            }

            if (status.LastConfigRejection is { ValueKind: JsonValueKind.Object } rejection)
            {
                context.Out.WriteLine("last apps.yaml edit was REFUSED; the previous config stays in force:");
                foreach (var problem in Problems(rejection))
                {
                    context.Out.WriteLine($"  {problem}");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Apps(JsonElement? apps) => apps switch
    {
        { ValueKind: JsonValueKind.Number } count => count.ToString(),
        { ValueKind: JsonValueKind.Array } list => $"{list.GetArrayLength()} ({string.Join(", ", list.EnumerateArray().Select(Name))})",
        _ => "-",
    };

    private static string Name(JsonElement app) =>
        app.ValueKind == JsonValueKind.Object && app.TryGetProperty("name", out var name) ? name.ToString() : app.ToString();

    private static IEnumerable<string> Problems(JsonElement rejection)
    {
        if (!rejection.TryGetProperty("problems", out var problems) || problems.ValueKind != JsonValueKind.Array)
        {
            yield return rejection.ToString();
            yield break;
        }

        foreach (var problem in problems.EnumerateArray())
        {
            yield return problem.ValueKind == JsonValueKind.Object ? ProblemLine(problem) : problem.ToString();
        }
    }

    // The host's ConfigProblem: file, line, column, fieldPath, message.
    private static string ProblemLine(JsonElement problem)
    {
        string? Text(string name) => problem.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
        var place = Text("line") is { } line and not "0" ? $"{Text("file")}:{line}:{Text("column")}" : Text("file");
        return $"{place}: {Text("fieldPath")}: {Text("message")}";
    }
}
