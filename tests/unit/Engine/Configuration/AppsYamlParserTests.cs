using System.Net;
using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

public sealed class AppsYamlParserTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-yaml-").FullName;

    private string FilePath => Path.Combine(_folder, "apps.yaml");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Parse_TheFullSample_ReadsEveryField()
    {
        File.WriteAllText(Path.Combine(_folder, "shop.env"), "SECRET=1\n");
        var config = Parse("""
            apps:
              shop:
                image: localhost:5000/shop:1.4.2
                pull: always
                listen: 0.0.0.0:8080
                slots: { blue: 18080, green: 18081 }
                container:
                  port: 9000
                  env: { ASPNETCORE_ENVIRONMENT: Production, WORKERS: 4 }
                  env_file: shop.env
                  volumes: ["/srv/shop/data:/data", "cache:/cache:ro"]
                  memory: 512m
                  cpus: 1.5
                  command: ["./shop", "--serve"]
                health:
                  path: /health
                  expect: 200-299
                  interval: 2s
                  timeout: 500ms
                  healthy_after: 3
                  start_grace: 5s
                  deadline: 1m
                drain:
                  timeout: 30s
                  websocket_timeout: 10s
            """);

        var shop = config.Apps["shop"];
        Assert.Equal("localhost:5000/shop:1.4.2", shop.Image);
        Assert.Equal(PullPolicy.Always, shop.Pull);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), shop.Listen);
        Assert.Equal(new SlotPorts(18080, 18081), shop.Slots);
        Assert.Equal(9000, shop.Container.Port);
        Assert.Equal("4", shop.Container.Env["WORKERS"]);
        Assert.Equal(Path.Combine(_folder, "shop.env"), shop.Container.EnvFile);
        Assert.Equal(["/srv/shop/data:/data", "cache:/cache:ro"], shop.Container.Volumes);
        Assert.Equal(512L * 1024 * 1024, shop.Container.MemoryBytes);
        Assert.Equal(1.5, shop.Container.Cpus);
        Assert.Equal(["./shop", "--serve"], shop.Container.Command);
        Assert.Equal(new HealthSpec("/health", new StatusRange(200, 299), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), 3, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)), shop.Health);
        Assert.Equal(new DrainSpec(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), shop.Drain);
    }

    [Fact]
    public void Parse_MinimalApp_GetsEveryDefault()
    {
        var shop = Parse("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n").Apps["shop"];

        Assert.Equal(PullPolicy.Missing, shop.Pull);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), shop.Listen);
        Assert.Equal(ContainerSpec.DefaultPort, shop.Container.Port);
        Assert.True(shop.Container.SameAs(ContainerSpec.Default));
        Assert.Equal(HealthSpec.Default, shop.Health);
        Assert.Equal(DrainSpec.Default, shop.Drain);
    }

    [Fact]
    public void Parse_NoApps_IsValid()
    {
        Assert.Empty(Parse("apps: {}\n").Apps);
    }

    [Fact]
    public void Parse_UnknownKey_IsRefusedWithItsLineAndColumn()
    {
        var problem = Assert.Single(Problems("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 1, green: 2 }\n    replicas: 3\n"));

        Assert.Equal((6, 5, "apps.shop.replicas"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Contains("unknown key 'replicas'; expected one of: image, pull, listen", problem.Message);
        Assert.Equal($"{FilePath}:6:5: apps.shop.replicas: {problem.Message}", problem.ToString());
    }

    [Fact]
    public void Parse_EveryProblem_IsReportedAtOnce()
    {
        var problems = Problems("""
            apps:
              Shop_1:
                image: Bad Image
                pull: sometimes
                listen: 99999
                slots: { blue: 18080, green: 18080 }
                health: { interval: 2 seconds, healthy_after: 0, expect: 600 }
                drain: { timeout: -1s }
            """);

        Assert.Equal(
            ["apps.Shop_1", "apps.Shop_1.image", "apps.Shop_1.pull", "apps.Shop_1.listen", "apps.Shop_1.slots.green", "apps.Shop_1.health.expect", "apps.Shop_1.health.interval", "apps.Shop_1.health.healthy_after", "apps.Shop_1.drain.timeout"],
            problems.Select(p => p.FieldPath));
        Assert.Contains(problems, p => p.FieldPath == "apps.Shop_1.health.interval" && p.Line == 7 && p.Message.Contains("expected a number followed by ms, s, m or h"));
    }

    [Fact]
    public void Parse_MissingRequiredFields_PointAtTheApp()
    {
        var problems = Problems("apps:\n  shop:\n    pull: never\n");

        Assert.Equal(["apps.shop.image", "apps.shop.listen", "apps.shop.slots"], problems.Select(p => p.FieldPath));
        Assert.All(problems, p => Assert.Equal((3, 5), (p.Line, p.Column)));
    }

    [Fact]
    public void Parse_PortsClashingBetweenApps_AreRefused_NamingBoth()
    {
        var problems = Problems("""
            apps:
              shop:
                image: shop:1
                listen: 0.0.0.0:8080
                slots: { blue: 18080, green: 18081 }
              blog:
                image: blog:1
                listen: 127.0.0.1:8080
                slots: { blue: 18081, green: 18082 }
            """);

        Assert.Equal(["apps.blog.listen", "apps.blog.slots.blue"], problems.Select(p => p.FieldPath));
        Assert.Contains("already used by the listener of 'shop' (apps.shop.listen)", problems[0].Message);
        Assert.Contains("already used by the green slot of 'shop'", problems[1].Message);
    }

    [Fact]
    public void Parse_SamePortOnTwoSpecificAddresses_DoesNotClash()
    {
        var config = Parse("""
            apps:
              shop: { image: shop:1, listen: "127.0.0.1:8080", slots: { blue: 18080, green: 18081 } }
              blog: { image: blog:1, listen: "127.0.0.2:8080", slots: { blue: 18082, green: 18083 } }
            """);

        Assert.Equal(2, config.Apps.Count);
    }

    [Fact]
    public void Parse_TheAdminPort_IsReserved()
    {
        var problem = Assert.Single(Problems("apps:\n  shop: { image: shop:1, listen: 5080, slots: { blue: 18080, green: 18081 } }\n", new HashSet<int> { 5080 }));

        Assert.Equal("apps.shop.listen", problem.FieldPath);
        Assert.Contains("Cutover's own admin API", problem.Message);
    }

    [Fact]
    public void Parse_MissingEnvFile_IsRefused()
    {
        var problem = Assert.Single(Problems("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n    container: { env_file: missing.env }\n"));

        Assert.Equal("apps.shop.container.env_file", problem.FieldPath);
        Assert.Contains(Path.Combine(_folder, "missing.env"), problem.Message);
    }

    [Fact]
    public void Parse_BadVolumeAndEnvName_AreRefused()
    {
        var problems = Problems("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n    container: { volumes: [./relative:/data], env: { 1BAD: x } }\n");

        Assert.Equal(["apps.shop.container.env.1BAD", "apps.shop.container.volumes[0]"], problems.Select(p => p.FieldPath));
    }

    [Fact]
    public void Parse_YamlSyntaxError_IsReportedWhereItIs()
    {
        var problem = Assert.Single(Problems("apps:\n  shop:\n    image: [unclosed\n"));

        Assert.Equal("(yaml)", problem.FieldPath);
        Assert.True(problem.Line >= 3, problem.ToString());
    }

    [Fact]
    public void Parse_DuplicateAppName_IsRefused()
    {
        var problem = Assert.Single(Problems("apps:\n  shop: { image: a:1, listen: 1, slots: { blue: 2, green: 3 } }\n  shop: { image: a:1, listen: 4, slots: { blue: 5, green: 6 } }\n"));

        Assert.True(problem.Message.Contains("twice", StringComparison.Ordinal), problem.ToString());
    }

    [Fact]
    public void Parse_EmptyFile_IsRefused()
    {
        Assert.Contains("empty", Assert.Single(Problems("")).Message);
    }

    [Fact]
    public void Load_MissingFile_IsOneProblemWithoutAPosition()
    {
        var error = Assert.Throws<ConfigException>(() => AppsYamlParser.Load(Path.Combine(_folder, "nope.yaml")));

        Assert.Equal(0, Assert.Single(error.Problems).Line);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0s", 0)]
    public void Duration_ValidText_Parses(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2 s")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("")]
    public void Duration_InvalidText_IsRefused(string text)
    {
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.25")]
    [InlineData("localhost:5000/shop:1.4.2")]
    [InlineData("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("app:20260101-1200-abc1234")]
    [InlineData("my_org/my-app.web:v1")]
    public void ImageReference_Valid_IsAccepted(string reference)
    {
        Assert.True(ImageReference.IsValid(reference, out var error), error);
    }

    [Theory]
    [InlineData("Bad Image", "white space")]
    [InlineData("UPPER/case", "lowercase")]
    [InlineData("x:", "tag after ':' is empty")]
    [InlineData(":tag", "repository name is missing")]
    [InlineData("a//b", "empty path component")]
    [InlineData("", "empty")]
    [InlineData("app@sha256:xyz", "digest")]
    public void ImageReference_Invalid_IsRefusedWithAReason(string reference, string reason)
    {
        Assert.False(ImageReference.IsValid(reference, out var error));
        Assert.Contains(reason, error);
    }

    private AppsConfig Parse(string yaml) => AppsYamlParser.Parse(yaml, FilePath);

    private IReadOnlyList<ConfigProblem> Problems(string yaml, IReadOnlySet<int>? reserved = null) =>
        Assert.Throws<ConfigException>(() => AppsYamlParser.Parse(yaml, FilePath, reserved)).Problems;
}
