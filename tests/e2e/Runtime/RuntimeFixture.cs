using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Docker.DotNet;

namespace Cutover.Tests.E2E.Runtime;

/// <summary>
/// Shared by the runtime tests: a 2 MB image built locally once (busybox's httpd serving <c>/www</c> on 8080, made
/// with <c>docker import</c> of a root filesystem holding Debian's static busybox), a raw Docker client for
/// checking what the runtime did, and on demand a private registry on 127.0.0.1 for pull tests.
/// </summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    public const string IndexBody = "cutover runtime e2e";
    public const int ContainerPort = 8080;

    private const string BusyboxPath = "/bin/busybox";
    private readonly SemaphoreSlim _registryGate = new(1, 1);
    private LocalRegistry? _registry;

    /// <summary>Unique per run, so parallel runs on one machine do not trip over each other.</summary>
    public string Image { get; } = $"cutover-e2e-runtime/httpd:{Guid.NewGuid().ToString("N")[..12]}";

    public DockerClient Docker { get; } = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

    public async Task InitializeAsync()
    {
        await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}");
        if (!File.Exists(BusyboxPath))
        {
            throw new InvalidOperationException($"{BusyboxPath} is missing: apt-get install -y busybox-static (the test image is built from it).");
        }

        var tarball = Path.Combine(Path.GetTempPath(), $"cutover-rt-{Guid.NewGuid():N}.tar");
        try
        {
            await WriteRootFsAsync(tarball);
            await DockerCli.RunAsync(
                "import",
                "--change", $"CMD [\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"{ContainerPort}\",\"-h\",\"/www\"]",
                "--change", $"EXPOSE {ContainerPort}/tcp",
                tarball,
                Image);
        }
        finally
        {
            File.Delete(tarball);
        }
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        await DockerCli.TryRunAsync("rmi", "--force", Image);
        Docker.Dispose();
        _registryGate.Dispose();
    }

    /// <summary>Starts the registry the first time a test asks for it.</summary>
    public async Task<LocalRegistry> GetRegistryAsync()
    {
        await _registryGate.WaitAsync();
        try
        {
            return _registry ??= await LocalRegistry.StartAsync();
        }
        finally
        {
            _registryGate.Release();
        }
    }

    /// <summary>
    /// Imports an image whose only layer is <paramref name="randomBytes"/> of fresh random data, so that pulling it
    /// back from a registry really downloads a layer (and reports bytes) instead of finding it present.
    /// </summary>
    public static async Task ImportRandomImageAsync(string tag, int randomBytes)
    {
        var tarball = Path.Combine(Path.GetTempPath(), $"cutover-rt-{Guid.NewGuid():N}.tar");
        try
        {
            await using (var file = File.Create(tarball))
            await using (var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false))
            {
                var data = new byte[randomBytes];
                Random.Shared.NextBytes(data);
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "random.bin")
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(data),
                });
            }

            await DockerCli.RunAsync("import", tarball, tag);
        }
        finally
        {
            File.Delete(tarball);
        }
    }


    private static async Task WriteRootFsAsync(string path)
    {
        await using var file = File.Create(path);
        await using var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false);
        const UnixFileMode Dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

        foreach (var dir in new[] { "bin/", "www/" })
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = Dir });
        }

        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/")
        {
            Mode = Dir | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit,
        });

        await using (var busybox = File.OpenRead(BusyboxPath))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = Dir, DataStream = busybox });
        }

        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/sh") { LinkName = "busybox", Mode = Dir });
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "www/index.html")
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(IndexBody)),
        });
    }
}

/// <summary>
/// Debian's docker-registry (distribution 2.8) on a free 127.0.0.1 port, storing into a temporary folder; with a
/// user and password, it asks for them (htpasswd, bcrypt) on every request.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private const string Binary = "/usr/bin/docker-registry";
    private const string Htpasswd = "/usr/bin/htpasswd";
    private readonly Process _process;
    private readonly string _directory;

    private LocalRegistry(Process process, string directory, int port, string? user, string? password)
    {
        _process = process;
        _directory = directory;
        Address = $"127.0.0.1:{port}";
        User = user;
        Password = password;
    }

    /// <summary>host:port, usable as an image name prefix (the engine treats 127.0.0.0/8 registries as plain HTTP).</summary>
    public string Address { get; }

    /// <summary>The only login the registry accepts; null when it asks for none.</summary>
    public string? User { get; }

    public string? Password { get; }

    /// <param name="user">With <paramref name="password"/>: the registry refuses every request without this login.</param>
    public static async Task<LocalRegistry> StartAsync(string? user = null, string? password = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y docker-registry (the pull tests use it).");
        }

        var directory = Directory.CreateTempSubdirectory("cutover-rt-registry-").FullName;
        var port = LoopbackPorts.Next();
        var config = Path.Combine(directory, "config.yml");
        var auth = string.Empty;
        if (user is not null && password is not null)
        {
            if (!File.Exists(Htpasswd))
            {
                throw new InvalidOperationException($"{Htpasswd} is missing: apt-get install -y apache2-utils (the private registry tests use it).");
            }

            var passwords = Path.Combine(directory, "htpasswd");
            await DockerCli.RunToolAsync(Htpasswd, TimeSpan.FromSeconds(30), "-Bbc", passwords, user, password);
            auth = $"""

                auth:
                  htpasswd:
                    realm: cutover-e2e
                    path: {passwords}
                """;
        }

        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}{auth}
            """);

        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start docker-registry.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var registry = new LocalRegistry(process, directory, port, user, password);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"http://{registry.Address}/v2/");
                // With auth on, an anonymous request is answered 401: that too says the registry is up.
                if (response.IsSuccessStatusCode || (user is not null && response.StatusCode == HttpStatusCode.Unauthorized))
                {
                    return registry;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || process.HasExited)
            {
                await registry.DisposeAsync();
                throw new InvalidOperationException($"docker-registry did not answer on {registry.Address}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Pushes <paramref name="local"/> as <c>ADDRESS/<paramref name="repositoryAndTag"/></c>, logging in first with a
    /// throwaway Docker config folder (so no login lands in the user's own), then removes the pushed tag locally.
    /// </summary>
    /// <returns>The pushed image's name.</returns>
    public async Task<string> PushAsync(string local, string repositoryAndTag)
    {
        var remote = $"{Address}/{repositoryAndTag}";
        var configFolder = Directory.CreateTempSubdirectory("cutover-rt-docker-config-").FullName;
        try
        {
            if (User is not null && Password is not null)
            {
                await DockerCli.RunAsync("--config", configFolder, "login", "--username", User, "--password", Password, Address);
            }

            await DockerCli.RunAsync("tag", local, remote);
            await DockerCli.RunAsync("--config", configFolder, "push", remote);
            await DockerCli.RunAsync("rmi", remote);
            return remote;
        }
        finally
        {
            Directory.Delete(configFolder, recursive: true);
        }
    }

    /// <summary>
    /// Deletes the first layer's blob from the registry's storage while keeping the manifest, so that a pull
    /// starts streaming and then fails half-way (the engine reports that only inside the JSON stream).
    /// </summary>
    public async Task DeleteFirstLayerBlobAsync(string repository, string tag)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Address}/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var digest = manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;
        var hex = digest["sha256:".Length..];
        File.Delete(Path.Combine(_directory, "data", "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
