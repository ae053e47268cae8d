using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cutover.Engine.Instances;
using Cutover.Engine.Model;
using Cutover.Engine.Registries;
using Cutover.Engine.Runtime;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.E2E.Runtime;

/// <summary>
/// <see cref="DockerContainerRuntime"/> against the real Docker Engine. Every test uses its own application name
/// (<c>rt-test-…</c>) and removes that application's containers afterwards; traffic goes to 127.0.0.1 only.
/// </summary>
public sealed class DockerContainerRuntimeTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>, IAsyncLifetime
{
    private const string LocalEngine = "unix:///var/run/docker.sock";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);
    private static readonly InstanceIdentity TestInstance = NewInstance("e2e0runtime0");

    private readonly CancellationTokenSource _budget = new(Budget);
    private readonly DockerContainerRuntime _runtime = NewRuntime(LocalEngine);
    private readonly List<string> _apps = [];
    private readonly List<string> _images = [];

    private CancellationToken Ct => _budget.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await DockerCli.RemoveContainersOfAsync(_apps);

        foreach (var image in _images)
        {
            await DockerCli.TryRunAsync("rmi", "--force", image);
        }

        _runtime.Dispose();
        _budget.Dispose();
    }

    [Fact]
    public async Task Ping_ReachableEngine_IsTrue()
    {
        Assert.True(await _runtime.PingAsync(Ct));
    }

    [Fact]
    public async Task CreateAndStart_ServesOnItsLoopbackSlotPort()
    {
        var app = NewApp();
        var port = LoopbackPorts.Next();

        var created = await _runtime.CreateAsync(Spec(app, Slot.Green, port), Ct);

        Assert.Equal($"cutover-{app}-green", created.Name);
        Assert.Equal(app, created.App);
        Assert.Equal(Slot.Green, created.Slot);
        Assert.Equal(fixture.Image, created.Image);
        Assert.Equal($"dep-{app}", created.DeploymentId);
        Assert.False(created.Running);
        Assert.Equal("created", created.State);
        Assert.Null(created.StartedAt);

        await _runtime.StartAsync(created.Id, Ct);
        await _runtime.StartAsync(created.Id, Ct); // already running: not an error

        Assert.Equal(RuntimeFixture.IndexBody, await GetUntilAnswersAsync(port));
        var listed = Assert.Single(await ListAsync(app));
        Assert.Equal(created.Id, listed.Id);
        Assert.Equal(created.Name, listed.Name);
        Assert.Equal(Slot.Green, listed.Slot);
        Assert.True(listed.Running);
        Assert.Equal("running", listed.State);
        Assert.NotNull(listed.StartedAt);
        Assert.InRange(listed.StartedAt.Value, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Create_PublishesOnLoopbackOnly_AndAppliesLabelsEnvLimitsVolumesAndCommand()
    {
        var app = NewApp();
        var port = LoopbackPorts.Next();
        var volume = Directory.CreateTempSubdirectory("cutover-rt-volume-");
        try
        {
            var env = new Dictionary<string, string> { ["GREETING"] = "hello world", ["EMPTY"] = "", ["WITH_EQUALS"] = "a=b" };
            string[] command = ["/bin/busybox", "sh", "-c", "echo \"greeting=$GREETING\"; exec /bin/busybox httpd -f -p 8080 -h /www"];
            var spec = Spec(app, Slot.Blue, port, env, command, [$"{volume.FullName}:/data:ro"], memory: 64L * 1024 * 1024, cpus: 0.5);

            var created = await _runtime.CreateAsync(spec, Ct);
            var inspected = await fixture.Docker.Containers.InspectContainerAsync(created.Id, Ct);

            Assert.Equal($"/cutover-{app}-blue", inspected.Name);
            Assert.Equal(app, inspected.Config!.Labels[ContainerNaming.AppLabel]);
            Assert.Equal("blue", inspected.Config!.Labels[ContainerNaming.SlotLabel]);
            Assert.Equal($"dep-{app}", inspected.Config!.Labels[ContainerNaming.DeploymentLabel]);
            Assert.Equal(fixture.Image, inspected.Config!.Labels[ContainerNaming.ImageLabel]);
            Assert.Contains("8080/tcp", inspected.Config!.ExposedPorts!.Keys);
            var bindings = Assert.Single(inspected.HostConfig!.PortBindings!);
            Assert.Equal("8080/tcp", bindings.Key);
            var binding = Assert.Single(bindings.Value);
            Assert.Equal("127.0.0.1", binding.HostIP);
            Assert.Equal(port.ToString(), binding.HostPort);
            Assert.Contains("GREETING=hello world", inspected.Config!.Env);
            Assert.Contains("EMPTY=", inspected.Config!.Env);
            Assert.Contains("WITH_EQUALS=a=b", inspected.Config!.Env);
            Assert.Equal(64L * 1024 * 1024, inspected.HostConfig!.Memory);
            Assert.Equal(500_000_000L, inspected.HostConfig!.NanoCPUs);
            Assert.Equal(command, inspected.Config!.Cmd);
            Assert.Equal([$"{volume.FullName}:/data:ro"], inspected.HostConfig!.Binds);
            Assert.Equal(RestartPolicyKind.UnlessStopped, inspected.HostConfig!.RestartPolicy.Name);

            await _runtime.StartAsync(created.Id, Ct);

            Assert.Equal(RuntimeFixture.IndexBody, await GetUntilAnswersAsync(port));
            var running = await fixture.Docker.Containers.InspectContainerAsync(created.Id, Ct);
            var published = Assert.Single(running.NetworkSettings!.Ports["8080/tcp"]);
            Assert.Equal("127.0.0.1", published.HostIP);
            var mount = Assert.Single(running.Mounts);
            Assert.Equal(volume.FullName, mount.Source);
            Assert.Equal("/data", mount.Destination);
            Assert.False(mount.RW);
            Assert.Contains("greeting=hello world", await LogsUntilAsync(created.Id, 50, lines => lines.Contains("greeting=hello world")));
        }
        finally
        {
            volume.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Create_WithoutCommand_KeepsTheImageCommand_AndNoLimits()
    {
        var app = NewApp();
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct);

        var inspected = await fixture.Docker.Containers.InspectContainerAsync(created.Id, Ct);
        Assert.Equal(["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"], inspected.Config!.Cmd);
        Assert.Equal(0, inspected.HostConfig!.Memory);
        Assert.Equal(0, inspected.HostConfig!.NanoCPUs);
        Assert.Empty(inspected.HostConfig!.Binds ?? []);
    }

    [Fact]
    public async Task Create_ReplacesARunningContainerOfTheSameName()
    {
        var app = NewApp();
        var port = LoopbackPorts.Next();
        var first = await _runtime.CreateAsync(Spec(app, Slot.Blue, port), Ct);
        await _runtime.StartAsync(first.Id, Ct);

        var second = await _runtime.CreateAsync(Spec(app, Slot.Blue, port), Ct);

        Assert.NotEqual(first.Id, second.Id);
        var listed = Assert.Single(await ListAsync(app));
        Assert.Equal(second.Id, listed.Id);
        await _runtime.StartAsync(second.Id, Ct);
        Assert.Equal(RuntimeFixture.IndexBody, await GetUntilAnswersAsync(port));
    }

    [Fact]
    public async Task Create_LabelsTheContainerWithItsInstance()
    {
        var app = NewApp();
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct);

        Assert.Equal(TestInstance.Id, created.Instance);
        Assert.Equal(TestInstance.Id, (await DockerCli.RunAsync("inspect", "--format", "{{index .Config.Labels \"cutover.instance\"}}", created.Id)).Trim());
    }

    [Fact]
    public async Task ListManaged_NeverSeesAnotherInstancesContainers()
    {
        var app = NewApp();
        using var other = new DockerContainerRuntime(
            Options.Create(new DockerOptions { Endpoint = LocalEngine }), NewInstance("e2e0other000"), NullLogger<DockerContainerRuntime>.Instance);
        var theirs = await other.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct);
        var ours = await _runtime.CreateAsync(Spec(app, Slot.Green, LoopbackPorts.Next()), Ct);

        Assert.Equal([ours.Id], (await ListAsync(app)).Select(c => c.Id));
        Assert.Equal([theirs.Id], (await other.ListManagedAsync(Ct)).Where(c => c.App == app).Select(c => c.Id));
    }

    [Fact]
    public async Task Create_NameTakenByAnotherInstance_FailsNamingIt_AndRemovesNothing()
    {
        var app = NewApp();
        using var other = new DockerContainerRuntime(
            Options.Create(new DockerOptions { Endpoint = LocalEngine }), NewInstance("e2e0other001"), NullLogger<DockerContainerRuntime>.Instance);
        var port = LoopbackPorts.Next();
        var theirs = await other.CreateAsync(Spec(app, Slot.Blue, port), Ct);
        await other.StartAsync(theirs.Id, Ct);

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct));

        Assert.Contains("another Cutover instance (cutover.instance=e2e0other001)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was removed", ex.Message, StringComparison.Ordinal);
        var still = Assert.Single(await other.ListManagedAsync(Ct), c => c.App == app);
        Assert.Equal(theirs.Id, still.Id);
        Assert.True(still.Running);
        Assert.Equal(RuntimeFixture.IndexBody, await GetUntilAnswersAsync(port));
    }

    [Fact]
    public async Task Create_NameTakenByAContainerCutoverDidNotCreate_FailsAndRemovesNothing()
    {
        var app = NewApp();
        var stranger = (await DockerCli.RunAsync("create", "--name", $"cutover-{app}-blue", fixture.Image)).Trim();
        try
        {
            var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct));

            Assert.Contains("a container Cutover did not create", ex.Message, StringComparison.Ordinal);
            Assert.Equal(stranger, (await DockerCli.RunAsync("inspect", "--format", "{{.Id}}", $"cutover-{app}-blue")).Trim());
        }
        finally
        {
            await DockerCli.TryRunAsync("rm", "--force", stranger);
        }
    }

    [Fact]
    public async Task Create_ReplacesTheUnlabelledContainerItTracks()
    {
        var app = NewApp();
        // A container from before instances were labelled, tracked by this instance for the slot.
        var legacy = (await DockerCli.RunAsync(
            "create", "--name", $"cutover-{app}-blue", "--label", $"{ContainerNaming.AppLabel}={app}", "--label", $"{ContainerNaming.SlotLabel}=blue", fixture.Image)).Trim();

        Assert.Contains(await ListAsync(app), c => c.Id == legacy && c.Instance is null);
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()) with { Replaces = legacy }, Ct);

        Assert.Equal([created.Id], (await ListAsync(app)).Select(c => c.Id));
    }

    [Fact]
    public async Task ListManaged_SeesBothSlots_AndOnlyCutoverContainers()
    {
        var app = NewApp();
        var blue = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct);
        var green = await _runtime.CreateAsync(Spec(app, Slot.Green, LoopbackPorts.Next()), Ct);
        var stranger = await DockerCli.RunAsync("create", "--label", $"not-cutover={app}", fixture.Image);
        try
        {
            var all = await _runtime.ListManagedAsync(Ct);

            Assert.Equal([blue.Id, green.Id], all.Where(c => c.App == app).Select(c => c.Id));
            Assert.DoesNotContain(all, c => c.Id == stranger);
        }
        finally
        {
            await DockerCli.TryRunAsync("rm", "--force", stranger);
        }
    }

    [Fact]
    public async Task GetLogs_ReturnsStdoutAndStderrLines_OldestFirst_LastN()
    {
        var app = NewApp();
        string[] command =
        [
            "/bin/busybox", "sh", "-c",
            "for i in 1 2 3 4 5; do echo out-$i; done; sleep 0.3; echo err-1 >&2; sleep 0.3; printf 'grüße ✓\\r\\n'; echo out-6; "
            + "exec /bin/busybox httpd -f -p 8080 -h /www",
        ];
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next(), command: command), Ct);
        await _runtime.StartAsync(created.Id, Ct);

        var all = await LogsUntilAsync(created.Id, 100, lines => lines.Contains("out-6"));

        Assert.Equal(["out-1", "out-2", "out-3", "out-4", "out-5", "err-1", "grüße ✓", "out-6"], all);
        Assert.Equal(["grüße ✓", "out-6"], await _runtime.GetLogsAsync(created.Id, 2, Ct));
        Assert.Empty(await _runtime.GetLogsAsync(created.Id, 0, Ct));
    }

    [Fact]
    public async Task FollowLogs_GivesTheTail_ThenEachLineAsWritten_PastTheRequestTimeout_AndEndsWhenTheContainerStops()
    {
        var app = NewApp();
        string[] command =
        [
            "/bin/busybox", "sh", "-c",
            "echo before-1; echo before-2; echo before-3; sleep 3; echo after-1; echo after-2; exec /bin/busybox httpd -f -p 8080 -h /www",
        ];
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next(), command: command), Ct);
        await _runtime.StartAsync(created.Id, Ct);
        await LogsUntilAsync(created.Id, 10, lines => lines.Contains("before-3"));

        // A 1 s request timeout must bound opening the stream only: the next lines come 3 s later.
        using var impatient = new DockerContainerRuntime(
            Options.Create(new DockerOptions { Endpoint = LocalEngine, RequestTimeout = TimeSpan.FromSeconds(1) }),
            TestInstance,
            NullLogger<DockerContainerRuntime>.Instance);
        var seen = new List<string>();
        var watch = Stopwatch.StartNew();
        await foreach (var line in impatient.FollowLogsAsync(created.Id, 2, Ct))
        {
            seen.Add(line);
            if (line == "after-2")
            {
                await _runtime.StopAsync(created.Id, TimeSpan.FromSeconds(1), Ct);
            }
        }

        Assert.Equal(["before-2", "before-3", "after-1", "after-2"], seen);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the stream took {watch.Elapsed} to end after the container stopped");
    }

    [Fact]
    public async Task FollowLogs_Cancelled_EndsPromptly_AndOfAMissingContainer_ThrowsClearError()
    {
        var app = NewApp();
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, LoopbackPorts.Next()), Ct);
        await _runtime.StartAsync(created.Id, Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _runtime.FollowLogsAsync(created.Id, 10, stop.Token))
            {
            }
        });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"cancelling took {watch.Elapsed}");

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(async () =>
        {
            await foreach (var _ in _runtime.FollowLogsAsync("cutover-no-such-container", 10, Ct))
            {
            }
        });
        Assert.Equal("Cannot read the logs of cutover-no-such-container: the container does not exist.", ex.Message);
    }

    [Fact]
    public async Task GetLogs_OfMissingContainer_ThrowsClearError()
    {
        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.GetLogsAsync("cutover-no-such-container", 10, Ct));

        Assert.Contains("cutover-no-such-container", ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public async Task StopStartAndRemove_AreIdempotent()
    {
        var app = NewApp();
        var port = LoopbackPorts.Next();
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, port), Ct);
        await _runtime.StartAsync(created.Id, Ct);
        await GetUntilAnswersAsync(port);

        // busybox httpd as PID 1 ignores SIGTERM: 0.3 s rounds up to the engine's 1 s, then SIGKILL.
        var watch = Stopwatch.StartNew();
        await _runtime.StopAsync(created.Id, TimeSpan.FromMilliseconds(300), Ct);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"stop took {watch.Elapsed}");

        var stopped = Assert.Single(await ListAsync(app));
        Assert.False(stopped.Running);
        Assert.Equal("exited", stopped.State);
        await _runtime.StopAsync(created.Id, TimeSpan.FromSeconds(1), Ct); // already stopped

        // A rollback restarts the kept container.
        await _runtime.StartAsync(created.Id, Ct);
        Assert.Equal(RuntimeFixture.IndexBody, await GetUntilAnswersAsync(port));

        await _runtime.RemoveAsync(created.Id, Ct); // forced while running
        await _runtime.RemoveAsync(created.Id, Ct);
        await _runtime.StopAsync(created.Id, TimeSpan.FromSeconds(1), Ct);
        Assert.Empty(await ListAsync(app));

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.StartAsync(created.Id, Ct));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public async Task Start_WhenTheHostPortIsTakenByAnotherListener_ThrowsClearError()
    {
        var app = NewApp();
        var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        try
        {
            var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
            var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, port), Ct);

            var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.StartAsync(created.Id, Ct));

            Assert.Contains($"Cannot start cutover-{app}-blue: host port 127.0.0.1:{port} is already in use", ex.Message);
            Assert.Contains(fixture.Image, ex.Message);
        }
        finally
        {
            squatter.Stop();
        }
    }

    [Fact]
    public async Task Start_WhenTheOtherSlotHoldsThePort_ThrowsClearError()
    {
        var app = NewApp();
        var port = LoopbackPorts.Next();
        var blue = await _runtime.CreateAsync(Spec(app, Slot.Blue, port), Ct);
        await _runtime.StartAsync(blue.Id, Ct);
        var green = await _runtime.CreateAsync(Spec(app, Slot.Green, port), Ct);

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.StartAsync(green.Id, Ct));

        Assert.Contains($"Cannot start cutover-{app}-green: host port 127.0.0.1:{port} is already in use", ex.Message);
        Assert.Contains(fixture.Image, ex.Message);
    }

    [Fact]
    public async Task ImageExists_TrueForALocalImage_FalseOtherwise()
    {
        Assert.True(await _runtime.ImageExistsAsync(fixture.Image, Ct));
        Assert.False(await _runtime.ImageExistsAsync("cutover-e2e-runtime/missing:nope", Ct));
        Assert.False(await _runtime.ImageExistsAsync("127.0.0.1:1/nope:1", Ct));
    }

    [Fact]
    public async Task Pull_FromAnUnreachableRegistry_ThrowsClearError()
    {
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.PullImageAsync("127.0.0.1:1/nope:1", null, Ct));

        Assert.StartsWith("Cannot pull 127.0.0.1:1/nope:1: ", ex.Message);
        Assert.Contains("127.0.0.1:1", ex.Message["Cannot pull 127.0.0.1:1/nope:1: ".Length..]);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"pull failed after {watch.Elapsed}");
    }

    [Fact]
    public async Task Pull_FromALocalRegistry_ByTagAndByDigest_ReportsLayerProgress()
    {
        var registry = await fixture.GetRegistryAsync();
        var local = $"cutover-e2e-runtime/pushed:{Guid.NewGuid().ToString("N")[..12]}";
        var remote = $"{registry.Address}/cutover-rt/shop:1.4.2";
        _images.AddRange([local, remote]);
        await RuntimeFixture.ImportRandomImageAsync(local, 2 * 1024 * 1024);
        var imageId = await DockerCli.RunAsync("inspect", "--format", "{{.Id}}", local);
        _images.Add(imageId);
        await DockerCli.RunAsync("tag", local, remote);
        await DockerCli.RunAsync("push", remote);
        var byDigest = await DockerCli.RunAsync("inspect", "--format", "{{index .RepoDigests 0}}", remote);
        await DockerCli.RunAsync("rmi", "--force", imageId);
        Assert.False(await _runtime.ImageExistsAsync(remote, Ct));

        var progress = new Recorder<PullProgress>();
        await _runtime.PullImageAsync(remote, progress, Ct);

        Assert.True(await _runtime.ImageExistsAsync(remote, Ct));
        Assert.Contains(progress.Items, p => p.LayerId is not null && p.Current > 0 && p.Total > 0);
        Assert.Contains(progress.Items, p => p.Status.Contains("Pull complete", StringComparison.Ordinal));

        await DockerCli.RunAsync("rmi", "--force", imageId);
        Assert.StartsWith($"{registry.Address}/cutover-rt/shop@sha256:", byDigest);
        await _runtime.PullImageAsync(byDigest, null, Ct);
        Assert.True(await _runtime.ImageExistsAsync(byDigest, Ct));
    }

    [Fact]
    public async Task Pull_FailingAfterTheStreamStarted_ThrowsTheStreamedError()
    {
        var registry = await fixture.GetRegistryAsync();
        var local = $"cutover-e2e-runtime/broken:{Guid.NewGuid().ToString("N")[..12]}";
        var remote = $"{registry.Address}/cutover-rt/broken:1";
        _images.AddRange([local, remote]);
        await RuntimeFixture.ImportRandomImageAsync(local, 256 * 1024);
        var imageId = await DockerCli.RunAsync("inspect", "--format", "{{.Id}}", local);
        _images.Add(imageId);
        await DockerCli.RunAsync("tag", local, remote);
        await DockerCli.RunAsync("push", remote);
        await DockerCli.RunAsync("rmi", "--force", imageId);
        await registry.DeleteFirstLayerBlobAsync("cutover-rt/broken", "1");
        var progress = new Recorder<PullProgress>();

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.PullImageAsync(remote, progress, Ct));

        // HTTP 200, then "Pulling fs layer", then {"errorDetail": ...} in the stream: no API exception inside.
        Assert.Equal($"Cannot pull {remote}: unknown blob", ex.Message);
        Assert.Null(ex.InnerException);
        Assert.Contains(progress.Items, p => p.Status == "Pulling fs layer" && p.LayerId is not null);
        Assert.False(await _runtime.ImageExistsAsync(remote, Ct));
    }

    [Fact]
    public async Task Pull_AnUnknownTagFromALocalRegistry_ThrowsClearError()
    {
        var registry = await fixture.GetRegistryAsync();
        var image = $"{registry.Address}/cutover-rt/absent:{Guid.NewGuid().ToString("N")[..8]}";

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.PullImageAsync(image, null, Ct));

        Assert.StartsWith($"Cannot pull {image}: ", ex.Message);
        Assert.Contains("not found", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pull_FromARegistryWithAuth_PassesTheDockerConfigFileLogin()
    {
        const string Password = "rt-registry-pass-7Qx";
        await using var registry = await LocalRegistry.StartAsync("cutover-rt", Password);
        var remote = await PushPrivateImageAsync(registry);
        var configFolder = Directory.CreateTempSubdirectory("cutover-rt-docker-config-").FullName;
        try
        {
            // The file as `docker login` writes it: auths."127.0.0.1:PORT".auth = base64("user:password").
            await DockerCli.RunAsync("--config", configFolder, "login", "--username", "cutover-rt", "--password", Password, registry.Address);
            using var runtime = NewRuntime(LocalEngine, Registries(Path.Combine(configFolder, "config.json")));

            await runtime.PullImageAsync(remote, null, Ct);

            Assert.True(await runtime.ImageExistsAsync(remote, Ct));
        }
        finally
        {
            Directory.Delete(configFolder, recursive: true);
        }
    }

    [Fact]
    public async Task Pull_FromARegistryWithAuth_WithoutOrWithWrongCredentials_SaysWhichAndNeverShowsThePassword()
    {
        const string Wrong = "rt-wrong-pass-4Kd";
        await using var registry = await LocalRegistry.StartAsync("cutover-rt", "rt-registry-pass-9Zt");
        var remote = await PushPrivateImageAsync(registry);
        var nowhere = Path.Combine(Path.GetTempPath(), $"cutover-rt-{Guid.NewGuid():N}", "config.json");
        using var wrong = NewRuntime(LocalEngine, Registries(nowhere, new RegistryLoginOptions { Server = $"http://{registry.Address}/", Username = "cutover-rt", Password = Wrong }));
        using var anonymous = NewRuntime(LocalEngine, Registries(nowhere));

        var refused = await Assert.ThrowsAsync<ContainerRuntimeException>(() => wrong.PullImageAsync(remote, null, Ct));
        var unasked = await Assert.ThrowsAsync<ContainerRuntimeException>(() => anonymous.PullImageAsync(remote, null, Ct));

        Assert.StartsWith($"Cannot pull {remote}: the registry refused the credentials for {registry.Address} (user cutover-rt, from Cutover:Registries:0)", refused.Message);
        Assert.DoesNotContain(Wrong, refused.Message);
        Assert.StartsWith($"Cannot pull {remote}: the registry {registry.Address} refused an anonymous pull", unasked.Message);
    }

    /// <summary>A small image pushed to <paramref name="registry"/> and absent locally, so that only a pull can bring it.</summary>
    private async Task<string> PushPrivateImageAsync(LocalRegistry registry)
    {
        var local = $"cutover-e2e-runtime/private:{Guid.NewGuid().ToString("N")[..12]}";
        await RuntimeFixture.ImportRandomImageAsync(local, 64 * 1024);
        var imageId = await DockerCli.RunAsync("inspect", "--format", "{{.Id}}", local);
        _images.AddRange([local, imageId]);
        var remote = await registry.PushAsync(local, "cutover-rt/private:1");
        _images.Add(remote);
        await DockerCli.RunAsync("rmi", "--force", imageId);
        return remote;
    }

    [Fact]
    public async Task Create_FromAMissingImage_ThrowsClearError()
    {
        var app = NewApp();
        var spec = Spec(app, Slot.Blue, LoopbackPorts.Next()) with { Image = "cutover-e2e-runtime/missing:nope" };

        var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => _runtime.CreateAsync(spec, Ct));

        Assert.Contains($"Cannot create cutover-{app}-blue: image cutover-e2e-runtime/missing:nope is not present", ex.Message);
    }

    [Theory]
    [InlineData("unix:///tmp/nonexistent.sock")]
    [InlineData("tcp://127.0.0.1:1")]
    public async Task UnreachableEngine_FailsFast_WithClearError(string endpoint)
    {
        using var runtime = NewRuntime(endpoint);
        var watch = Stopwatch.StartNew();

        Assert.False(await runtime.PingAsync(Ct));
        var calls = new Func<Task>[]
        {
            () => runtime.ListManagedAsync(Ct),
            () => runtime.ImageExistsAsync(fixture.Image, Ct),
            () => runtime.PullImageAsync("127.0.0.1:1/nope:1", null, Ct),
            () => runtime.CreateAsync(Spec("rt-test-unreachable", Slot.Blue, 1), Ct),
            () => runtime.StartAsync("cutover-rt-test-unreachable-blue", Ct),
            () => runtime.StopAsync("cutover-rt-test-unreachable-blue", TimeSpan.FromSeconds(1), Ct),
            () => runtime.RemoveAsync("cutover-rt-test-unreachable-blue", Ct),
            () => runtime.GetLogsAsync("cutover-rt-test-unreachable-blue", 10, Ct),
        };
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(call);
            Assert.StartsWith($"Docker Engine is not reachable at {endpoint}: ", ex.Message);
            Assert.Contains(endpoint.StartsWith("unix:", StringComparison.Ordinal) ? "/tmp/nonexistent.sock does not exist" : "refused", ex.Message);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"failing took {watch.Elapsed}");
    }

    [Fact]
    public async Task SilentEngine_TimesOut_WithClearError()
    {
        // A socket that accepts connections and never answers, like a wedged daemon.
        var path = Path.Combine(Path.GetTempPath(), $"cutover-rt-{Guid.NewGuid().ToString("N")[..8]}.sock");
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Bind(new UnixDomainSocketEndPoint(path));
        silent.Listen();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptAsync(Ct));
            }
        });
        try
        {
            var endpoint = $"unix://{path}";
            using var runtime = new DockerContainerRuntime(
                Options.Create(new DockerOptions { Endpoint = endpoint, RequestTimeout = TimeSpan.FromSeconds(1), PingTimeout = TimeSpan.FromMilliseconds(500) }),
                TestInstance,
            NullLogger<DockerContainerRuntime>.Instance);
            var watch = Stopwatch.StartNew();

            Assert.False(await runtime.PingAsync(Ct));
            var ex = await Assert.ThrowsAsync<ContainerRuntimeException>(() => runtime.ListManagedAsync(Ct));

            Assert.Equal($"Docker Engine is not reachable at {endpoint}: no answer within 1 s. Is the Docker daemon running, and may this user use it?", ex.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"timing out took {watch.Elapsed}");
        }
        finally
        {
            silent.Close();
            await Task.WhenAny(accepting);
            accepted.ForEach(socket => socket.Dispose());
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CancelledCalls_ThrowOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runtime.PingAsync(cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runtime.ListManagedAsync(cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runtime.ImageExistsAsync(fixture.Image, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runtime.PullImageAsync("127.0.0.1:1/nope:1", null, cancelled.Token));
    }

    [Fact]
    public async Task Stop_CancelledWhileWaiting_ReturnsPromptly()
    {
        var app = NewApp();
        var port = LoopbackPorts.Next();
        var created = await _runtime.CreateAsync(Spec(app, Slot.Blue, port), Ct);
        await _runtime.StartAsync(created.Id, Ct);
        await GetUntilAnswersAsync(port);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();

        // httpd ignores SIGTERM, so the engine would wait the full 30 s before killing it.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runtime.StopAsync(created.Id, TimeSpan.FromSeconds(30), cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancelling took {watch.Elapsed}");
    }

    private static DockerContainerRuntime NewRuntime(string endpoint, RegistryCredentials? registries = null) =>
        new(Options.Create(new DockerOptions { Endpoint = endpoint }), TestInstance, NullLogger<DockerContainerRuntime>.Instance, registries);

    private static RegistryCredentials Registries(string dockerConfigFile, params RegistryLoginOptions[] configured) =>
        new(Options.Create(new RegistryOptions { Registries = [.. configured] }), NullLogger<RegistryCredentials>.Instance, dockerConfigFile);

    private static InstanceIdentity NewInstance(string id)
    {
        var identity = new InstanceIdentity();
        identity.Set(id);
        return identity;
    }

    private string NewApp()
    {
        var app = $"rt-test-{Guid.NewGuid().ToString("N")[..8]}";
        _apps.Add(app);
        return app;
    }

    private SlotContainerSpec Spec(
        string app,
        Slot slot,
        int hostPort,
        IReadOnlyDictionary<string, string>? env = null,
        IReadOnlyList<string>? command = null,
        IReadOnlyList<string>? volumes = null,
        long? memory = null,
        double? cpus = null) =>
        new(app, slot, fixture.Image, $"dep-{app}", hostPort, RuntimeFixture.ContainerPort,
            env ?? new Dictionary<string, string>(), volumes ?? [], memory, cpus, command ?? []);

    private async Task<List<ManagedContainer>> ListAsync(string app) =>
        [.. (await _runtime.ListManagedAsync(Ct)).Where(c => c.App == app)];

    private async Task<string> GetUntilAnswersAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await http.GetStringAsync($"http://127.0.0.1:{port}/", Ct);
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    private async Task<IReadOnlyList<string>> LogsUntilAsync(string containerId, int tail, Func<IReadOnlyList<string>, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = await _runtime.GetLogsAsync(containerId, tail, Ct);
            if (done(lines) || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                return lines;
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Records synchronously, unlike <see cref="Progress{T}"/>, which posts to the thread pool.</summary>
    private sealed class Recorder<T> : IProgress<T>
    {
        private readonly Lock _gate = new();
        private readonly List<T> _items = [];

        public IReadOnlyList<T> Items
        {
            get
            {
                lock (_gate)
                {
                    return [.. _items];
                }
            }
        }

        public void Report(T value)
        {
            lock (_gate)
            {
                _items.Add(value);
            }
        }
    }
}
