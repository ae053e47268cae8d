using System.Diagnostics;

namespace Cutover.Tests.E2E.Engine;

/// <summary>The demo app built into local images once per test run: v1, v2, and a v3 whose health check fails.</summary>
public sealed class DemoImages : IAsyncLifetime
{
    public const string V1 = "cutover-demo:e2e-v1";
    public const string V2 = "cutover-demo:e2e-v2";
    public const string Unhealthy = "cutover-demo:e2e-unhealthy";

    public async Task InitializeAsync()
    {
        await BuildAsync("v1", V1);
        await BuildAsync("v2", V2);
        // Same app, but /health answers 500: a release that must never get traffic.
        await RunAsync("bash", ["-c", $"printf 'FROM {V1}\\nENV DEMO_HEALTH=fail DEMO_VERSION=unhealthy\\n' | docker build -q -t {Unhealthy} -"]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Task BuildAsync(string version, string tag) =>
        RunAsync("bash", [Path.Combine(Repository.Root, "demo", "build-image.sh"), tag], ("DEMO_VERSION", version));

    internal static async Task<string> RunAsync(string file, string[] args, params (string Name, string Value)[] env)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}

/// <summary>Where the repository is, found from the test assembly's folder.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Console.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Console.sln not found above " + AppContext.BaseDirectory);
    }
}
