using System.Diagnostics;
using Cutover.Engine.Configuration;
using Cutover.Engine.Instances;
using Cutover.Engine.Model;
using Cutover.Engine.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.E2E.Runtime;

/// <summary>
/// apps.yaml's container run settings, read by the parser and applied by <see cref="DockerContainerRuntime"/> to a
/// real container, checked with <c>docker inspect</c>. Each test uses its own app name (<c>rt-run-…</c>) and network.
/// </summary>
public sealed class ContainerRunSettingsTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private readonly CancellationTokenSource _budget = new(Budget);
    private readonly DockerContainerRuntime _runtime = new(
        Options.Create(new DockerOptions { Endpoint = "unix:///var/run/docker.sock" }), Instance(), NullLogger<DockerContainerRuntime>.Instance);

    private readonly List<string> _apps = [];
    private readonly List<string> _networks = [];

    private CancellationToken Ct => _budget.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await DockerCli.RemoveContainersOfAsync(_apps);

        foreach (var network in _networks)
        {
            await DockerCli.TryRunAsync("network", "rm", network);
        }

        _runtime.Dispose();
        _budget.Dispose();
    }

    [Fact]
    public async Task Create_NoRunSettings_RotatesTheJsonLogAt10mTimes3AndRestartsUnlessStopped()
    {
        var app = NewApp();

        var created = await _runtime.CreateAsync(Spec(app, LoopbackPorts.Next(), ContainerRunSpec.Default), Ct);

        Assert.Equal("json-file {\"max-file\":\"3\",\"max-size\":\"10m\"}", await InspectAsync(created.Id, "{{.HostConfig.LogConfig.Type}} {{json .HostConfig.LogConfig.Config}}"));
        Assert.Equal("unless-stopped", await InspectAsync(created.Id, "{{.HostConfig.RestartPolicy.Name}}"));
        Assert.Equal("false <nil> [] []", await InspectAsync(created.Id, "{{.HostConfig.ReadonlyRootfs}} {{.Config.StopTimeout}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}"));
    }

    [Fact]
    public async Task Create_EveryRunSettingOfAppsYaml_DockerInspectShowsThemAndTheSlotServes()
    {
        var app = NewApp();
        var network = await NewNetworkAsync();
        var port = LoopbackPorts.Next();
        var run = AppsYamlParser.Parse(
            $$"""
            apps:
              {{app}}:
                image: {{fixture.Image}}
                listen: 127.0.0.1:{{LoopbackPorts.Next()}}
                slots: { blue: {{port}}, green: {{LoopbackPorts.Next()}} }
                container:
                  network: {{network}}
                  restart: on-failure
                  log: { driver: json-file, max_size: 1m, max_files: 2 }
                  read_only: true
                  tmpfs: ["/tmp:size=1m"]
                  user: "1000:1000"
                  cap_drop: [ALL]
                  cap_add: [NET_BIND_SERVICE]
                  no_new_privileges: true
                  extra_hosts: ["db.internal:10.0.0.5"]
                  labels: { team: web }
                  stop_timeout: 7s
            """,
            Path.Combine(Path.GetTempPath(), "apps.yaml")).Apps[app].Container.Run;

        var created = await _runtime.CreateAsync(Spec(app, port, run), Ct);
        await _runtime.StartAsync(created.Id, Ct);

        Assert.Equal(RuntimeFixture.IndexBody, await GetUntilAnswersAsync(port));
        Assert.Equal(network, await InspectAsync(created.Id, "{{.HostConfig.NetworkMode}}"));
        Assert.Equal(network, await InspectAsync(created.Id, "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}"));
        Assert.Equal($"127.0.0.1:{port}", await InspectAsync(created.Id, "{{range .HostConfig.PortBindings}}{{range .}}{{.HostIp}}:{{.HostPort}}{{end}}{{end}}"));
        Assert.Equal("on-failure", await InspectAsync(created.Id, "{{.HostConfig.RestartPolicy.Name}}"));
        Assert.Equal("json-file {\"max-file\":\"2\",\"max-size\":\"1m\"}", await InspectAsync(created.Id, "{{.HostConfig.LogConfig.Type}} {{json .HostConfig.LogConfig.Config}}"));
        Assert.Equal("true", await InspectAsync(created.Id, "{{.HostConfig.ReadonlyRootfs}}"));
        Assert.Equal("{\"/tmp\":\"size=1m\"}", await InspectAsync(created.Id, "{{json .HostConfig.Tmpfs}}"));
        Assert.Equal("1000:1000", await InspectAsync(created.Id, "{{.Config.User}}"));
        Assert.Equal("[\"ALL\"] [\"NET_BIND_SERVICE\"]", await InspectAsync(created.Id, "{{json .HostConfig.CapDrop}} {{json .HostConfig.CapAdd}}"));
        Assert.Equal("[\"no-new-privileges:true\"]", await InspectAsync(created.Id, "{{json .HostConfig.SecurityOpt}}"));
        Assert.Equal("[\"db.internal:10.0.0.5\"]", await InspectAsync(created.Id, "{{json .HostConfig.ExtraHosts}}"));
        Assert.Equal($"web {app}", await InspectAsync(created.Id, "{{index .Config.Labels \"team\"}} {{index .Config.Labels \"cutover.app\"}}"));
        Assert.Equal("7", await InspectAsync(created.Id, "{{.Config.StopTimeout}}"));

        // What the app inside sees.
        Assert.Equal("1000", await DockerCli.RunAsync("exec", created.Id, "/bin/busybox", "id", "-u"));
        Assert.Contains("10.0.0.5\tdb.internal", await DockerCli.RunAsync("exec", created.Id, "/bin/busybox", "cat", "/etc/hosts"), StringComparison.Ordinal);
        await DockerCli.RunAsync("exec", created.Id, "/bin/busybox", "touch", "/tmp/writable");
        var readOnly = await Assert.ThrowsAsync<InvalidOperationException>(() => DockerCli.RunAsync("exec", created.Id, "/bin/busybox", "touch", "/www/x"));
        Assert.Contains("Read-only file system", readOnly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingNetwork_FailsNamingItAndCreatesNothing()
    {
        var app = NewApp();
        var missing = $"cutover-e2e-missing-{Guid.NewGuid().ToString("N")[..8]}";

        var failure = await Assert.ThrowsAsync<ContainerRuntimeException>(
            () => _runtime.CreateAsync(Spec(app, LoopbackPorts.Next(), ContainerRunSpec.Default with { Network = missing }), Ct));

        Assert.Equal(
            $"Cannot create cutover-{app}-blue: the network '{missing}' (container.network) does not exist on this Docker daemon; "
            + $"create it (docker network create {missing}) or change container.network.",
            failure.Message);
        Assert.Empty(await DockerCli.RunAsync("ps", "--all", "--quiet", "--filter", $"label={ContainerNaming.AppLabel}={app}"));
    }

    [Fact]
    public async Task Create_LabelsNamedLikeCutoversOwn_KeepCutoversOwn()
    {
        var app = NewApp();
        var labels = new Dictionary<string, string> { [ContainerNaming.AppLabel] = "someone-else", [ContainerNaming.InstanceLabel] = "other", ["team"] = "web" };

        var created = await _runtime.CreateAsync(Spec(app, LoopbackPorts.Next(), ContainerRunSpec.Default with { Labels = labels }), Ct);

        Assert.Equal(app, created.App);
        Assert.Equal($"{app} e2e0options0 web", await InspectAsync(created.Id, "{{index .Config.Labels \"cutover.app\"}} {{index .Config.Labels \"cutover.instance\"}} {{index .Config.Labels \"team\"}}"));
    }

    private static InstanceIdentity Instance()
    {
        var identity = new InstanceIdentity();
        identity.Set("e2e0options0");
        return identity;
    }

    private string NewApp()
    {
        var app = $"rt-run-{Guid.NewGuid().ToString("N")[..8]}";
        _apps.Add(app);
        return app;
    }

    private async Task<string> NewNetworkAsync()
    {
        var network = $"cutover-e2e-net-{Guid.NewGuid().ToString("N")[..8]}";
        await DockerCli.RunAsync("network", "create", network);
        _networks.Add(network);
        return network;
    }

    private SlotContainerSpec Spec(string app, int hostPort, ContainerRunSpec run) =>
        new(app, Slot.Blue, fixture.Image, $"dep-{app}", hostPort, RuntimeFixture.ContainerPort, new Dictionary<string, string>(), [], null, null, []) { Run = run };

    private static Task<string> InspectAsync(string containerId, string format) => DockerCli.RunAsync("inspect", "--format", format, containerId);

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
}
