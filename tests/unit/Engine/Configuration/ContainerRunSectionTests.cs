using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>
/// apps.yaml's container run settings (network, restart, log, read_only, tmpfs, user, capabilities,
/// no_new_privileges, extra_hosts, labels, stop_timeout, allow_host_mounts) and health's host.
/// </summary>
public sealed class ContainerRunSectionTests : IDisposable
{
    /// <summary>A valid app to add a container section to; its keys start at column 5, the container's at column 7.</summary>
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_NoRunSettings_RotatesJsonLogsAt10mTimes3AndRestartsUnlessStopped()
    {
        var run = _folder.Parse(Shop + "    container: { port: 80 }\n").Apps["shop"].Container.Run;

        Assert.Equal(new LogSpec("json-file", 10L << 20, 3), run.Log);
        Assert.Equal(RestartMode.UnlessStopped, run.Restart);
        Assert.True(run.SameAs(ContainerRunSpec.Default));
        Assert.Equal(ContainerRunSpec.Default.Log, _folder.Parse(Shop).Apps["shop"].Container.Run.Log);
    }

    [Fact]
    public void Parse_EveryRunSetting_IsTaken()
    {
        var run = _folder.Parse(Shop + """
                container:
                  network: shop-net
                  restart: on-failure
                  log: { driver: json-file, max_size: 1m, max_files: 5 }
                  read_only: true
                  tmpfs: ["/tmp", "/run:size=16m,mode=1777"]
                  user: "1000:1000"
                  cap_drop: [ALL]
                  cap_add: [net_bind_service, CAP_CHOWN]
                  no_new_privileges: true
                  extra_hosts: ["db.internal:10.0.0.5", "gw:host-gateway", "v6.internal:fd00::5"]
                  labels: { team: web, com.example.tier: "1" }
                  stop_timeout: 2500ms
                  allow_host_mounts: true
                  volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
                health:
                  host: shop.example.com:8443

            """).Apps["shop"];

        var expected = new ContainerRunSpec(
            "shop-net",
            RestartMode.OnFailure,
            new LogSpec("json-file", 1L << 20, 5),
            ReadOnly: true,
            ["/tmp", "/run:size=16m,mode=1777"],
            "1000:1000",
            ["ALL"],
            ["NET_BIND_SERVICE", "CHOWN"],
            NoNewPrivileges: true,
            ["db.internal:10.0.0.5", "gw:host-gateway", "v6.internal:fd00::5"],
            new Dictionary<string, string> { ["team"] = "web", ["com.example.tier"] = "1" },
            TimeSpan.FromMilliseconds(2500),
            AllowHostMounts: true);
        Assert.True(expected.SameAs(run.Container.Run), $"{run.Container.Run}");
        Assert.Equal("shop.example.com:8443", run.Health.Host);
    }

    [Theory]
    [InlineData("no", RestartMode.No)]
    [InlineData("on-failure", RestartMode.OnFailure)]
    [InlineData("always", RestartMode.Always)]
    [InlineData("unless-stopped", RestartMode.UnlessStopped)]
    public void Parse_RestartPolicy_IsTaken(string value, RestartMode mode)
    {
        Assert.Equal(mode, _folder.Parse(Shop + $"    container:\n      restart: {value}\n").Apps["shop"].Container.Run.Restart);
    }

    [Theory]
    [InlineData("{ driver: local }", "local", 10L << 20, 3)]
    [InlineData("{ max_files: 1 }", "json-file", 10L << 20, 1)]
    [InlineData("{ driver: journald }", "journald", null, null)]
    [InlineData("{ driver: none }", "none", null, null)]
    public void Parse_LogDriver_KeepsRotationOnlyWhereTheDriverRotates(string log, string driver, long? size, int? files)
    {
        Assert.Equal(new LogSpec(driver, size, files), _folder.Parse(Shop + $"    container:\n      log: {log}\n").Apps["shop"].Container.Run.Log);
    }

    [Theory]
    [InlineData("network: host", 7, 16, "network", "'host' shares the machine's own network")]
    [InlineData("network: none", 7, 16, "network", "'none' leaves the container without a network")]
    [InlineData("network: \"container:db\"", 7, 16, "network", "'container:db' is not a network name")]
    [InlineData("restart: sometimes", 7, 16, "restart", "'sometimes' is not a restart policy; expected no, on-failure, always or unless-stopped")]
    [InlineData("log: { driver: \"bad driver\" }", 7, 22, "log.driver", "'bad driver' is not a log driver name")]
    [InlineData("log: { max_size: 0 }", 7, 24, "log.max_size", "'0' is not a log file size")]
    [InlineData("log: { max_files: 0 }", 7, 25, "log.max_files", "'0' is not a number of log files")]
    [InlineData("log: { driver: journald, max_size: 1m }", 7, 32, "log.max_size", "applies only to the json-file and local drivers")]
    [InlineData("log: { rotate: 3 }", 7, 14, "log.rotate", "unknown key 'rotate'; expected one of: driver, max_size, max_files")]
    [InlineData("read_only: yes", 7, 18, "read_only", "'yes' is not true or false")]
    [InlineData("tmpfs: [tmp]", 7, 15, "tmpfs[0]", "'tmp' is not a tmpfs mount")]
    [InlineData("tmpfs: [\"/\"]", 7, 15, "tmpfs[0]", "'/' is not a tmpfs mount")]
    [InlineData("tmpfs: [/tmp, \"/tmp/:size=1m\"]", 7, 21, "tmpfs[1]", "'/tmp/' is already mounted as tmpfs")]
    [InlineData("user: \"root user\"", 7, 13, "user", "'root user' is not a user")]
    [InlineData("cap_drop: [NET_BIND]", 7, 18, "cap_drop[0]", "'NET_BIND' is not a Linux capability")]
    [InlineData("cap_add: SYS_ADMIN", 7, 16, "cap_add", "must be a list")]
    [InlineData("no_new_privileges: 1", 7, 26, "no_new_privileges", "'1' is not true or false")]
    [InlineData("extra_hosts: [\"db.internal\"]", 7, 21, "extra_hosts[0]", "'db.internal' is not an extra host")]
    [InlineData("extra_hosts: [\"db:10.0.5\"]", 7, 21, "extra_hosts[0]", "'db:10.0.5' is not an extra host")]
    [InlineData("labels: [team]", 7, 15, "labels", "must be a mapping of name: value")]
    [InlineData("labels: { cutover.app: other }", 7, 17, "labels.cutover.app", "'cutover.app' is one of Cutover's own labels (cutover.*)")]
    [InlineData("labels: { Cutover.Slot: blue }", 7, 17, "labels.Cutover.Slot", "'Cutover.Slot' is one of Cutover's own labels")]
    [InlineData("labels: { team: [a, b] }", 7, 23, "labels.team", "must be a single value")]
    [InlineData("stop_timeout: 0s", 7, 21, "stop_timeout", "must be longer than zero")]
    [InlineData("stop_timeout: 11m", 7, 21, "stop_timeout", "must be at most 10m")]
    [InlineData("stop_timeout: soon", 7, 21, "stop_timeout", "'soon' is not a duration")]
    [InlineData("allow_host_mounts: maybe", 7, 26, "allow_host_mounts", "'maybe' is not true or false")]
    public void Parse_BadRunSetting_IsRefusedAtItsLineAndColumn(string setting, int line, int column, string field, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    container:\n      {setting}\n"));

        Assert.Equal((line, column, $"apps.shop.container.{field}"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith(message, problem.Message);
        Assert.Equal($"{_folder.YamlPath}:{line}:{column}: apps.shop.container.{field}: {problem.Message}", problem.ToString());
    }

    [Theory]
    [InlineData("/:/host", "the host's root filesystem (/)")]
    [InlineData("/.:/host:ro", "the host's root filesystem (/)")]
    [InlineData("/var/run/docker.sock:/var/run/docker.sock", "the Docker socket (/var/run/docker.sock)")]
    [InlineData("/run/docker.sock:/docker.sock:ro", "the Docker socket (/run/docker.sock)")]
    [InlineData("/var/run/../run/docker.sock:/docker.sock", "the Docker socket (/var/run/docker.sock)")]
    [InlineData("//run//./docker.sock:/docker.sock", "the Docker socket (/run/docker.sock)")]
    [InlineData("/run:/host-run", "/run, the folder holding the Docker socket (/run/docker.sock)")]
    public void Parse_HostMount_IsRefusedUnlessAllowed(string volume, string exposed)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    container:\n      volumes: [data:/data, \"{volume}\"]\n"));

        Assert.Equal((7, 29, "apps.shop.container.volumes[1]"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith($"'{volume}' mounts {exposed}", problem.Message);
        Assert.EndsWith("refused unless apps.shop.container.allow_host_mounts is true, which says the operator means it", problem.Message);

        var allowed = _folder.Parse(Shop + $"    container:\n      allow_host_mounts: true\n      volumes: [data:/data, \"{volume}\"]\n");
        Assert.Equal(["data:/data", volume], allowed.Apps["shop"].Container.Volumes);
    }

    [Fact]
    public void Parse_LinkToTheDockerSocket_IsRefused()
    {
        var link = Path.Combine(_folder.Root, "sock");
        File.CreateSymbolicLink(link, "/var/run/../run/docker.sock");

        var problem = Assert.Single(_folder.Problems(Shop + $"    container:\n      volumes: [\"{link}:/docker.sock\"]\n"));

        Assert.Contains("mounts the Docker socket", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/shop/data:/data")]
    [InlineData("/var/lib/shop:/var/lib/shop:ro")]
    [InlineData("/runner:/runner")]
    [InlineData("docker.sock:/data")]
    public void Parse_OrdinaryVolume_IsAccepted(string volume)
    {
        Assert.Equal([volume], _folder.Parse(Shop + $"    container:\n      volumes: [\"{volume}\"]\n").Apps["shop"].Container.Volumes);
    }

    [Theory]
    [InlineData("shop.example.com")]
    [InlineData("localhost:8080")]
    [InlineData("10.0.0.5")]
    [InlineData("\"[::1]:8080\"")]
    public void Parse_HealthHost_IsTaken(string host)
    {
        Assert.Equal(host.Trim('"'), _folder.Parse(Shop + $"    health:\n      host: {host}\n").Apps["shop"].Health.Host);
    }

    [Theory]
    [InlineData("\"shop example\"")]
    [InlineData("shop.example.com:0")]
    [InlineData("shop.example.com:99999")]
    [InlineData("http://shop.example.com")]
    public void Parse_BadHealthHost_IsRefusedAtItsLineAndColumn(string host)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    health:\n      host: {host}\n"));

        Assert.Equal((7, 13, "apps.shop.health.host"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith($"'{host.Trim('"')}' is not a Host header", problem.Message);
    }

    [Fact]
    public void Parse_NoHealthHost_ChecksUnderTheSlotAddress()
    {
        Assert.Null(_folder.Parse(Shop + "    health: { path: /up }\n").Apps["shop"].Health.Host);
    }

    [Fact]
    public void SameAs_DifferentRunSettings_IsFalse()
    {
        var changed = ContainerSpec.Default with { Run = ContainerRunSpec.Default with { Labels = new Dictionary<string, string> { ["team"] = "web" } } };

        Assert.False(changed.SameAs(ContainerSpec.Default));
        Assert.True(changed.SameAs(changed with { }));
    }
}
