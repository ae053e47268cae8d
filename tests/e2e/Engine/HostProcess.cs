using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Cutover.Tests.E2E.Engine;

/// <summary>
/// The real Cutover host as operators run it: its own process, a real SQLite file, a real apps.yaml, real Docker.
/// Killable with SIGKILL and restartable on the same files.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private Process? _process;

    private HostProcess(string folder, int adminPort)
    {
        Folder = folder;
        AdminPort = adminPort;
        Api = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Folder { get; }

    public int AdminPort { get; }

    public string AppsFile => Path.Combine(Folder, "apps.yaml");

    public HttpClient Api { get; }

    /// <summary>What the host (since its last start) wrote to stdout and stderr.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>What the host (since its last start) wrote to stderr alone, line by line.</summary>
    public IReadOnlyList<string> ErrorLines => _errors.ToArray();

    /// <summary>Writes apps.yaml into a fresh folder and starts the host on it.</summary>
    /// <param name="extraArgs">More host arguments, e.g. <c>--Cutover:Api:MutationsPerMinute=2</c>.</param>
    public static async Task<HostProcess> StartAsync(string appsYaml, params string[] extraArgs)
    {
        var host = await CreateAsync(appsYaml);
        try
        {
            await host.StartAsync(extraArgs);
        }
        catch
        {
            // No caller owns it yet: left running, it would go on healing its app's containers after the test.
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Writes apps.yaml into a fresh folder; the host is not started.</summary>
    public static async Task<HostProcess> CreateAsync(string appsYaml)
    {
        var folder = Directory.CreateTempSubdirectory("cutover-e2e-").FullName;
        var host = new HostProcess(folder, LoopbackPorts.Next());
        await File.WriteAllTextAsync(host.AppsFile, appsYaml);
        return host;
    }

    /// <summary>Starts the host process and returns at once, without waiting for it to answer.</summary>
    /// <param name="extraArgs">More host arguments, e.g. <c>--Cutover:Docker=...</c>; later ones win.</param>
    public void Launch(params string[] extraArgs)
    {
        var dll = Path.Combine(BinaryFolder, "cutover.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        string[] args = [dll, $"--Cutover:AppsFile={AppsFile}", $"--Cutover:Database={Path.Combine(Folder, "cutover.db")}", $"--Cutover:AdminUrl=http://127.0.0.1:{AdminPort}", "--Cutover:StopTimeout=00:00:02", .. extraArgs];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        _output.Clear();
        _errors.Clear();
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _output.Enqueue(e.Data);
                _errors.Enqueue(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the host and waits for it to exit by itself, as it does when it refuses to start.</summary>
    /// <returns>The exit code; the process is killed and the test fails when it is still running after <paramref name="bound"/>.</returns>
    public async Task<int> RunUntilExitAsync(TimeSpan bound, params string[] extraArgs)
    {
        Launch(extraArgs);
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process!.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            Assert.Fail($"the host still ran after {bound}:{Environment.NewLine}{Output}");
        }

        // The parameterless wait also waits for the redirected output to be read to its end.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <param name="extraArgs">More host arguments, e.g. <c>--Cutover:Docker=...</c>; later ones win.</param>
    public async Task StartAsync(params string[] extraArgs)
    {
        Launch(extraArgs);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process!.HasExited)
            {
                // The parameterless wait also waits for the redirected output to be read to its end.
                _process.WaitForExit();
                throw new InvalidOperationException($"the host exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await Api.GetAsync("healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"the host did not answer within 30 s:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until /readyz answers 200: the engine has reconciled with Docker. Until then the API refuses changes
    /// with 503 and Retry-After, as a client that restarts a host must expect.
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await Api.GetAsync("readyz");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the host was not ready within 60 s: {await response.Content.ReadAsStringAsync()}{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Api.GetFromJsonAsync<JsonElement>(path);

    /// <summary>Posts a deployment and returns its id.</summary>
    public async Task<long> DeployAsync(string app, string image)
    {
        using var response = await Api.PostAsJsonAsync($"api/apps/{app}/deployments", new { image });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"deploy answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>Waits until the deployment ends; returns it.</summary>
    public async Task<JsonElement> WaitForDeploymentAsync(long id, TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var deployment = await GetJsonAsync($"api/deployments/{id}");
            var status = deployment.GetProperty("status").GetString();
            if (status is "completed" or "rolled_back" or "failed" or "cancelled")
            {
                return deployment;
            }

            if (deadline.Elapsed > (limit ?? TimeSpan.FromSeconds(90)))
            {
                throw new TimeoutException($"deployment {id} still {status}: {deployment}{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Asserts a deployment's status, showing the whole deployment and the host's log when it differs.</summary>
    public void AssertStatus(string expected, JsonElement deployment)
    {
        var actual = deployment.GetProperty("status").GetString();
        Assert.True(actual == expected, $"expected {expected}, got {actual}: {deployment}{Environment.NewLine}{Output}");
    }

    /// <summary>Waits until the app's first deployment (made by the host at start-up) ends.</summary>
    public async Task<JsonElement> WaitForAppDeploymentAsync(string app, int count = 1)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            // 404 until a reloaded apps.yaml has added the app.
            using var response = await Api.GetAsync($"api/apps/{app}/deployments");
            var list = response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items") : default;
            if (list.ValueKind == JsonValueKind.Array && list.GetArrayLength() >= count)
            {
                return await WaitForDeploymentAsync(list[0].GetProperty("id").GetInt64());
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{app} has no deployment {count}:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // A graceful stop, then the containers this host made go too.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        Api.Dispose();
        // Only this host's containers: other hosts (other tests, other runs) may share the daemon.
        if (await InstanceIdAsync() is { } instance)
        {
            await DemoImages.RunAsync("bash", ["-c", $"docker ps -aq --filter label=cutover.instance={instance} | xargs -r docker rm -f >/dev/null"]);
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }


    /// <summary>The instance id the host made in its database (null before its first start).</summary>
    public async Task<string?> InstanceIdAsync()
    {
        var database = Path.Combine(Folder, "cutover.db");
        if (!File.Exists(database))
        {
            return null;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT InstanceId FROM host_instance";
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>The host's build output: its content root, where its appsettings files are read from.</summary>
    public static string BinaryFolder => Path.Combine(Repository.Root, "src", "Web", "bin", BuildConfiguration, "net10.0");

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
