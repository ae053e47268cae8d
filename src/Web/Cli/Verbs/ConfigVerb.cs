using System.CommandLine;
using System.Text.Json;
using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover config validate FILE</c>: the dry run of an apps.yaml edit, on this machine, without a host.</summary>
public static class ConfigVerb
{
    public static Command Create(VerbRunner runner) =>
        new("config", "Work with apps.yaml") { Validate(runner) };

    private static Command Validate(VerbRunner runner)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The apps.yaml to check" };
        var command = new Command(
            "validate",
            "Check an apps.yaml exactly as the host would load it (env_file paths relative to the file, the admin port of --url reserved); print every problem as file:line:col")
        {
            file,
        };
        runner.Bind(command, (context, _) =>
        {
            var path = context.Value(file).FullName;

            // The same call, with the same reserved ports, as AppsConfigMonitor: the host's admin port is --url's.
            var reserved = new EngineOptions { AdminUrl = context.Url.ToString() }.ReservedPorts;
            IReadOnlyList<ConfigProblem> problems;
            AppsConfig? config = null;
            try
            {
                config = AppsYamlParser.Load(path, reserved);
                problems = [];
            }
            catch (ConfigException ex)
            {
                problems = ex.Problems;
            }

            if (context.Json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(
                    new { file = path, valid = problems.Count == 0, apps = config?.Apps.Keys.ToArray() ?? [], problems },
                    Api.ApiJson.Options));
            }
            else if (config is not null)
            {
                context.Out.WriteLine($"{path}: valid, {Quantity.Of(config.Apps.Count, "application")}{(config.Apps.Count > 0 ? ": " + string.Join(", ", config.Apps.Keys) : "")}");
            }
            else
            {
                foreach (var problem in problems)
                {
                    context.Out.WriteLine(problem.ToString());
                }

                context.Error.WriteLine($"{problems.Count} problem{(problems.Count == 1 ? "" : "s")}; the host would refuse this file");
            }

            return Task.FromResult(problems.Count == 0 ? ExitCodes.Success : ExitCodes.NotSucceeded);
        });
        return command;
    }
}
