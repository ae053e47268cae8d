using System.Diagnostics;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Install;

/// <summary>
/// A container whose PID 1 is systemd, built from this machine's own /etc and /usr, on the host's network and the
/// host's Docker daemon: a place to run scripts/install.sh as an operator would, and remove it all afterwards.
/// </summary>
/// <remarks>
/// /usr is this machine's, read-only (dotnet, systemd, docker's client), with a writable /usr/local over it for the
/// install. The repository's scripts/ and dist/ are mounted read-only at /src. No second dockerd: the image masks
/// Docker's units and the host's socket is mounted instead. --privileged fails here ("unable to apply caps").
/// </remarks>
public sealed class SystemdMachine : IAsyncDisposable
{
    /// <summary>Bump when systemd-image.sh changes, so that a stale image is not reused.</summary>
    public const string Image = "cutover-e2e-systemd:1";

    private SystemdMachine(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public static async Task<SystemdMachine> StartAsync(string name)
    {
        if ((await ToolRun.RunAsync("docker", ["image", "inspect", Image])).ExitCode != 0)
        {
            await MustAsync("bash", Path.Combine(Repository.Root, "tests", "e2e", "Install", "systemd-image.sh"), Image);
        }

        await MustAsync(
            "docker", "run", "-d", "--name", name, "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", "--network", "host",
            "-v", "/usr:/usr:ro", "--tmpfs", "/usr/local:exec,mode=755", "-v", "/sys/fs/cgroup:/sys/fs/cgroup", "--tmpfs", "/run", "--tmpfs", "/run/lock",
            "-v", "/var/run/docker.sock:/run/docker.sock",
            "-v", $"{Path.Combine(Repository.Root, "scripts")}:/src/scripts:ro", "-v", $"{Path.Combine(Repository.Root, "dist")}:/src/dist:ro",
            Image, "/lib/systemd/systemd");
        var machine = new SystemdMachine(name);
        try
        {
            var state = string.Empty;
            for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(200))
            {
                state = (await machine.ExecAsync("systemctl", "is-system-running")).Output.Trim();
                if (state is "running" or "degraded")
                {
                    return machine;
                }
            }

            throw new TimeoutException($"systemd in {name} is still '{state}' after 90 s");
        }
        catch
        {
            await machine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command in the machine as root, at most 3 minutes.</summary>
    public Task<ToolRun> ExecAsync(params string[] command) => ToolRun.RunAsync("docker", ["exec", Name, .. command]);

    /// <summary>What a unit's property says, e.g. ActiveState or ExecMainStatus.</summary>
    public async Task<string> UnitAsync(string unit, string property) =>
        (await ExecAsync("systemctl", "show", "-p", property, "--value", unit)).Output.Trim();

    public async Task WriteFileAsync(string path, string content)
    {
        // The content as an argument rather than on stdin: ToolRun does not feed stdin.
        var result = await ExecAsync("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && printf '%s' \"$2\" > \"$1\"", "sh", path, content);
        Assert.True(result.ExitCode == 0, $"writing {path}: {result.Error}");
    }

    public async ValueTask DisposeAsync() => await ToolRun.RunAsync("docker", ["rm", "-f", Name]);

    private static async Task MustAsync(string file, params string[] args)
    {
        var result = await ToolRun.RunAsync(file, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Output}{result.Error}");
        }
    }
}
