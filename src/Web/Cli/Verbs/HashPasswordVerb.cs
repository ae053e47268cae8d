using System.CommandLine;
using Cutover.Web.Access;

namespace Cutover.Web.Cli.Verbs;

/// <summary><c>cutover hash-password</c>: the hash for a console user's <c>Cutover:Console:Users:N:PasswordHash</c>.</summary>
public static class HashPasswordVerb
{
    /// <summary>Shorter passwords are refused: the console may face a network.</summary>
    public const int MinimumLength = 12;

    public static Command Create(VerbRunner runner)
    {
        var command = new Command(
            "hash-password",
            $"Read a password (at least {MinimumLength} characters) from the first line of standard input and print its PBKDF2 hash for Cutover:Console:Users:N:PasswordHash");
        runner.Bind(command, async (context, cancellationToken) =>
        {
            // From standard input, not an argument: arguments end up in shell history and process lists.
            var password = (await context.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? string.Empty;
            if (password.Length < MinimumLength)
            {
                context.Error.WriteLine($"error: the password must have at least {MinimumLength} characters (read from standard input).");
                return ExitCodes.Usage;
            }

            context.Out.WriteLine(ConsolePasswords.Hash(password));
            return ExitCodes.Success;
        });
        return command;
    }
}
