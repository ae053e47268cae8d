using System.CommandLine;
using System.CommandLine.Invocation;
using Cutover.Web.Cli.Verbs;

namespace Cutover.Web.Cli;

/// <summary>
/// <c>cutover &lt;verb&gt;</c>: the operator's command line, in the host's own binary, speaking the host's API.
/// </summary>
public sealed class CliApp
{
    private readonly CliEnvironment _environment;

    public CliApp(CliEnvironment environment)
    {
        _environment = environment;
        var globals = new GlobalOptions(environment);
        var runner = new VerbRunner(environment, globals);
        Root = new RootCommand($"Cutover: blue-green deployments of Docker containers behind a proxy.{Environment.NewLine}{Environment.NewLine}{ExitCodes.Help}")
        {
            StatusVerb.Create(runner),
            AppsVerb.Create(runner),
            DeployVerbs.Deploy(runner),
            DeployVerbs.Redeploy(runner),
            DeployVerbs.Rollback(runner),
            DeployVerbs.Cancel(runner),
            DeployVerbs.Promote(runner),
            DeployVerbs.Abort(runner),
            MaintenanceVerb.Create(runner),
            HistoryVerb.Create(runner),
            HealthVerb.Create(runner),
            LogsVerb.Create(runner),
            StatsVerb.Create(runner),
            AuditVerb.Create(runner),
            ConfigVerb.Create(runner),
            WatchVerb.Create(runner),
            HashPasswordVerb.Create(runner),
            BackupVerbs.Backup(runner),
            BackupVerbs.Restore(runner),
            VersionVerb.Create(runner),
        };
        globals.AddTo(Root);
        VersionVerb.ReplaceVersionOption(Root, environment.Out);
    }

    public RootCommand Root { get; }

    /// <summary>
    /// Whether <paramref name="args"/> ask for the CLI rather than the host: the first is a verb, one of the CLI's own
    /// options (--url, --token, --json, --help, --version), or a word that no host argument looks like (a mistyped
    /// verb gets the CLI's "unrecognized command", not a host started by accident). No arguments, or host-style
    /// ones (--urls, --Cutover:AppsFile=..., Cutover:AppsFile=...), start the host as before.
    /// </summary>
    public static bool Handles(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return false;
        }

        var first = args[0];
        var isHostStyle = first.StartsWith('-') || first.StartsWith('/') || first.Contains('=', StringComparison.Ordinal);
        return VerbNames.Contains(first) || OptionNames.Contains(first.Split('=', 2)[0]) || !isHostStyle;
    }

    /// <summary>The verbs, read from the command tree so the dispatch never disagrees with it.</summary>
    public static IReadOnlySet<string> VerbNames { get; } =
        new CliApp(CliEnvironment.FromProcess()).Root.Subcommands.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The root's options and their aliases (the global ones, --help, --version), read from the command tree too.</summary>
    private static IReadOnlySet<string> OptionNames { get; } =
        new CliApp(CliEnvironment.FromProcess()).Root.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);

    public static Task<int> RunAsync(string[] args) => new CliApp(CliEnvironment.FromProcess()).RunAsync(args, CancellationToken.None);

    /// <summary>Parses and runs; bad arguments exit 2 with the parser's messages (System.CommandLine alone would exit 1).</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var parse = Root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
        {
            foreach (var error in parse.Errors.Select(e => e.Message).Distinct())
            {
                _environment.Error.WriteLine($"error: {error}");
            }

            _environment.Error.WriteLine($"Run '{CommandPath(parse.CommandResult.Command)} --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(
            new InvocationConfiguration { Output = _environment.Out, Error = _environment.Error, EnableDefaultExceptionHandler = false },
            cancellationToken);
    }

    /// <summary>"cutover audit export": how to ask for this command's help.</summary>
    internal static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.Insert(0, current is RootCommand ? "cutover" : current.Name);
        }

        return string.Join(' ', names);
    }
}
