using System.CommandLine;
using Cutover.Web.Cli.Api;

namespace Cutover.Web.Cli;

/// <summary>Runs a verb's body and turns whatever stopped it into an exit code and a sentence on stderr; never a stack trace.</summary>
public sealed class VerbRunner(CliEnvironment environment, GlobalOptions globals)
{
    public const int Interrupted = 130;

    public void Bind(Command command, Func<VerbContext, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = new VerbContext(environment, globals, parse);
            try
            {
                return await body(context, cancellationToken);
            }
            catch (UsageException ex)
            {
                environment.Error.WriteLine($"error: {ex.Message}");
                environment.Error.WriteLine($"Run '{CliApp.CommandPath(command)} --help' for usage.");
                return ExitCodes.Usage;
            }
            catch (Exception ex)
            {
                return Report(ex, environment.Error, cancellationToken);
            }
        });

    /// <summary>The exit code for a failure, with what the operator needs to know written to <paramref name="error"/>.</summary>
    public static int Report(Exception failure, TextWriter error, CancellationToken cancellationToken = default)
    {
        switch (failure)
        {
            case ApiProblemException problem:
                error.WriteLine($"error: {problem.Title}");
                if (problem.Detail is { Length: > 0 } detail)
                {
                    error.WriteLine($"  {detail}");
                }

                return problem.IsRefusal ? ExitCodes.Refused : ExitCodes.NotSucceeded;
            case HostUnreachableException unreachable:
                error.WriteLine($"error: {unreachable.Message}");
                error.WriteLine("  Is the host running? Point at it with --url or CUTOVER_URL.");
                return ExitCodes.Unreachable;
            case UsageException usage:
                error.WriteLine($"error: {usage.Message}");
                return ExitCodes.Usage;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                error.WriteLine("interrupted");
                return Interrupted;
            default:
                error.WriteLine($"error: {failure.Message}");
                return ExitCodes.NotSucceeded;
        }
    }
}

/// <summary>Arguments that parse but cannot be used (found only when the verb runs, e.g. an --out folder that does not exist).</summary>
public sealed class UsageException(string message) : Exception(message);
