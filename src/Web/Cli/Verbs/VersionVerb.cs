using System.CommandLine;
using System.CommandLine.Invocation;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover version</c> and <c>cutover --version</c>: the binary's version and commit, without asking a host.</summary>
public static class VersionVerb
{
    public static Command Create(VerbRunner runner)
    {
        var command = new Command("version", "Print this binary's version and the commit it was built from");
        runner.Bind(command, (context, _) =>
        {
            context.Out.WriteLine(BuildVersion.Current);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Makes the root's --version print what <c>cutover version</c> prints, instead of the bare informational version.</summary>
    public static void ReplaceVersionOption(RootCommand root, TextWriter output)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersion(output);
        }
    }

    private sealed class PrintVersion(TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            output.WriteLine(BuildVersion.Current);
            return ExitCodes.Success;
        }
    }
}
