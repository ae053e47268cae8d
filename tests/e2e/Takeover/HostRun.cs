using System.Collections.Concurrent;
using System.Diagnostics;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Takeover;

/// <summary>
/// One Cutover process on a folder's apps.yaml and database. Unlike <see cref="HostProcess"/>, several may run on
/// the same folder at once (that is what a takeover is), stderr is kept apart, and the process can get SIGTERM.
/// </summary>
public sealed class HostRun : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Process _process;

    private HostRun(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>stdout and stderr, as written.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>stderr alone.</summary>
    public IReadOnlyList<string> Errors => _errors.ToArray();

    /// <summary>Starts the host on <paramref name="folder"/> (apps.yaml and cutover.db there); does not wait for it.</summary>
    public static HostRun Start(string folder, int adminPort, params string[] extraArgs)
    {
        var dll = Path.Combine(Repository.Root, "src", "Web", "bin", BuildConfiguration, "net10.0", "cutover.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        string[] args =
        [
            dll, $"--Cutover:AppsFile={Path.Combine(folder, "apps.yaml")}", $"--Cutover:Database={Path.Combine(folder, "cutover.db")}",
            $"--Cutover:AdminUrl=http://127.0.0.1:{adminPort}", "--Cutover:StopTimeout=00:00:02", .. extraArgs,
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        var process = Process.Start(start)!;
        var run = new HostRun(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) run._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                run._output.Enqueue(e.Data);
                run._errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>What a plain <c>kill</c>, <c>systemctl stop</c> or a takeover sends.</summary>
    public Task TerminateAsync() => DemoImages.RunAsync("kill", ["-TERM", _process.Id.ToString()]);

    /// <summary>Waits for the process to exit, at most <paramref name="limit"/>; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"pid {_process.Id} still runs after {limit}:{Environment.NewLine}{Output}");
        }

        // The parameterless wait also waits for the redirected output to be read to its end.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until the host has logged <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || deadline.Elapsed > limit)
            {
                throw new TimeoutException($"pid {_process.Id} never logged '{text}':{Environment.NewLine}{Output}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
