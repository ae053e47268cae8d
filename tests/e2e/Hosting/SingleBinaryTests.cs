using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cutover.Tests.E2E.Engine;
using Xunit.Abstractions;

namespace Cutover.Tests.E2E.Hosting;

/// <summary>
/// dist/cutover (scripts/publish.sh) copied alone into an empty folder, as an operator installs it: no SDK, no
/// wwwroot/, no appsettings.json beside it. It must print its version, run the host with the console's static files,
/// deploy through Docker, proxy, and answer a CLI verb.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class SingleBinaryTests(ITestOutputHelper log) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-e2e-single-").FullName;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _host;

    /// <summary>Where scripts/publish.sh puts the binary; scripts/test.sh runs it before the e2e tests.</summary>
    public static string Published => Path.Combine(Repository.Root, "dist", "cutover");

    private string Binary => Path.Combine(_folder, "cutover");

    public Task InitializeAsync()
    {
        // Fails, never skips: a run without the binary must not pass for one that checked it.
        Assert.True(File.Exists(Published), $"{Published} is missing: run scripts/publish.sh first (scripts/test.sh does)");
        // File.Copy keeps the execute bit on Linux.
        File.Copy(Published, Binary);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }

        // Only this host's containers: other tests share the daemon.
        var database = Path.Combine(_folder, "cutover.db");
        if (File.Exists(database))
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT InstanceId FROM host_instance";
            if (await command.ExecuteScalarAsync() is string instance)
            {
                await DemoImages.RunAsync("bash", ["-c", $"docker ps -aq --filter label=cutover.instance={instance} | xargs -r docker rm -f >/dev/null"]);
            }
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task LoneBinary_PrintsItsVersion()
    {
        Assert.Equal(["cutover"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));

        var version = await RunAsync(["--version"]);
        var verb = await RunAsync(["version"]);

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Matches(@"^cutover \d+\.\d+\.\d+ \(commit [0-9a-f]{7}\)\n$", version.Out);
        Assert.Equal(version.Out, verb.Out);
    }

    [Fact]
    public async Task LoneBinary_WithASettingsFileThatIsMissing_RefusesToStart_InOneLine()
    {
        var missing = Path.Combine(_folder, "settings.json");

        var run = await RunAsync([], ("CUTOVER_SETTINGS", missing));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"cutover: cannot start: CUTOVER_SETTINGS={missing}: no such file\n", run.Error);
    }

    [Fact]
    public async Task LoneBinary_RunsTheHost_ServesTheConsolesFiles_DeploysAndProxies_AndAnswersTheCli()
    {
        // A generous health deadline: the demo container, not the binary, is what a loaded machine slows down.
        var app = AppsYaml.Fresh("e2e-single-binary", DemoImages.V1) with { Health = "{ path: /health, interval: 250ms, timeout: 2s, healthy_after: 2, deadline: 60s }" };
        await File.WriteAllTextAsync(Path.Combine(_folder, "apps.yaml"), app.ToString());
        // Settings from a file of its own (as /etc/cutover/appsettings.json is installed), not beside the binary.
        var adminPort = LoopbackPorts.Next();
        var settings = Path.Combine(_folder, "settings", "appsettings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, $$"""
            { "Cutover": { "AdminUrl": "http://127.0.0.1:{{adminPort}}", "StopTimeout": "00:00:02" } }
            """);
        using var api = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{adminPort}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };

        var started = Stopwatch.StartNew();
        StartHost(("CUTOVER_SETTINGS", settings));
        await WaitForHealthAsync(api);
        log.WriteLine($"/healthz answered {started.ElapsedMilliseconds} ms after the lone binary started");

        var page = await GetAsync(api, "/");
        Assert.Contains("_framework/blazor.web.js", page.Body);
        Assert.Contains("_content/MudBlazor/MudBlazor.min.css", page.Body);
        var script = await GetAsync(api, "/_framework/blazor.web.js");
        Assert.Equal("text/javascript", script.ContentType);
        var css = await GetAsync(api, "/_content/MudBlazor/MudBlazor.min.css");
        Assert.Equal("text/css", css.ContentType);
        Assert.Contains(".mud-", css.Body);
        // The compressed variants are inside too: a browser asking for Brotli gets it.
        using var brotli = new HttpRequestMessage(HttpMethod.Get, "/_content/MudBlazor/MudBlazor.min.css") { Headers = { { "Accept-Encoding", "br" } } };
        using var compressed = await api.SendAsync(brotli);
        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal(["br"], compressed.Content.Headers.ContentEncoding);

        // Docker.DotNet, EF and YARP in the single file: the app's first deployment completes and its listener serves it.
        await WaitForServedAsync(app.Url);

        var cli = await RunAsync(["apps", "--url", $"http://127.0.0.1:{adminPort}"]);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("e2e-single-binary", cli.Out);
    }

    private void StartHost(params (string Name, string Value)[] environment)
    {
        var start = Start(
            [$"--Cutover:AppsFile={Path.Combine(_folder, "apps.yaml")}", $"--Cutover:Database={Path.Combine(_folder, "cutover.db")}"],
            environment);
        _host = Process.Start(start)!;
        _host.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _host.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
    }

    private async Task WaitForHealthAsync(HttpClient api)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_host!.HasExited)
            {
                _host.WaitForExit();
                Assert.Fail($"the host exited with {_host.ExitCode}:{Environment.NewLine}{HostOutput}");
            }

            try
            {
                using var response = await api.GetAsync("healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"the host did not answer /healthz within 90 s:{Environment.NewLine}{HostOutput}");
            await Task.Delay(50);
        }
    }

    private async Task WaitForServedAsync(Uri url)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"{url} was not served within 90 s:{Environment.NewLine}{HostOutput}");
            await Task.Delay(200);
        }
    }

    private async Task<(string Body, string? ContentType)> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {body}{Environment.NewLine}{HostOutput}");
        return (body, response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, params (string Name, string Value)[] environment)
    {
        using var process = Process.Start(Start(args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cutover {string.Join(' ', args)} still ran after a minute: {await output}{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    private ProcessStartInfo Start(string[] args, (string Name, string Value)[] environment)
    {
        // The folder is the working directory too: nothing may be read from the repository.
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "CUTOVER_SETTINGS", "CUTOVER_URL", "CUTOVER_TOKEN", "DOTNET_ROOT" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private string HostOutput => string.Join(Environment.NewLine, _output);
}
