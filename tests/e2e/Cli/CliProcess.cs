using System.Diagnostics;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Cli;

/// <summary>
/// <c>dotnet cutover.dll &lt;verb&gt; ...</c> as an operator or a CI job runs it: its own process, stdout redirected
/// (so never a terminal), the exit code as the result.
/// </summary>
public sealed record CliProcess(int ExitCode, string Out, string Error)
{
    public static string Dll { get; } = Path.Combine(Repository.Root, "src", "Web", "bin", Configuration, "net10.0", "cutover.dll");

    /// <param name="url">CUTOVER_URL for the run; null to leave it unset.</param>
    public static async Task<CliProcess> RunAsync(string? url, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("CUTOVER_TOKEN");
        if (url is null)
        {
            start.Environment.Remove("CUTOVER_URL");
        }
        else
        {
            start.Environment["CUTOVER_URL"] = url;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cutover {string.Join(' ', args)} still ran after 3 minutes: {await output}{await error}");
        }

        return new CliProcess(process.ExitCode, await output, await error);
    }

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}--- stdout{Environment.NewLine}{Out}--- stderr{Environment.NewLine}{Error}";

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
