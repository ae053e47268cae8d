using System.Diagnostics;

namespace Cutover.Tests.E2E.Runtime;

/// <summary>The docker CLI and other local tools, for fixtures only (the code under test uses the Engine API).</summary>
internal static class DockerCli
{
    public static Task<string> RunAsync(params string[] args) => RunToolAsync("docker", TimeSpan.FromSeconds(120), args);

    /// <summary>Force-removes every container labelled as one of <paramref name="apps"/>, whichever instance made it.</summary>
    public static async Task RemoveContainersOfAsync(IEnumerable<string> apps)
    {
        foreach (var app in apps)
        {
            var ids = await RunAsync("ps", "--all", "--quiet", "--filter", $"label={Cutover.Engine.Runtime.ContainerNaming.AppLabel}={app}");
            foreach (var id in ids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await TryRunAsync("rm", "--force", id);
            }
        }
    }

    /// <summary>Runs a tool to completion and returns its stdout; a non-zero exit throws with its stderr.</summary>
    public static async Task<string> RunToolAsync(string tool, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {tool}.");
        using var cancel = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {process.ExitCode}: {(await stderr).Trim()}");
        }

        return (await stdout).Trim();
    }

    /// <summary>Best effort, for clean-up: never throws.</summary>
    public static async Task TryRunAsync(params string[] args)
    {
        try
        {
            await RunToolAsync("docker", TimeSpan.FromSeconds(60), args);
        }
        catch (Exception)
        {
            // Clean-up must not hide the test's own outcome.
        }
    }
}
