using System.Net;
using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>What a valid apps.yaml turns into.</summary>
public sealed class AppsYamlParserTests : IDisposable
{
    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_TheFullSample_ReadsEveryField()
    {
        var envFile = _folder.Write("shop.env", "SECRET=1\n");
        var config = _folder.Parse(YamlSamples.EveryKey);

        Assert.Equal(_folder.YamlPath, config.Path);
        var shop = Assert.Single(config.Apps).Value;
        Assert.Equal("shop", shop.Name);
        Assert.Equal("localhost:5000/shop:1.4.2", shop.Image);
        Assert.Equal(PullPolicy.Always, shop.Pull);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), shop.Listen);
        Assert.Equal(new SlotPorts(18080, 18081), shop.Slots);
        Assert.Equal(9000, shop.Container.Port);
        Assert.Equal(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["WORKERS"] = "4" }, shop.Container.Env);
        Assert.Equal(envFile, shop.Container.EnvFile);
        Assert.Equal(["/srv/shop/data:/data", "cache:/cache:ro"], shop.Container.Volumes);
        Assert.Equal(512L * 1024 * 1024, shop.Container.MemoryBytes);
        Assert.Equal(1.5, shop.Container.Cpus);
        Assert.Equal(["./shop", "--serve"], shop.Container.Command);
        Assert.Equal(new HealthSpec("/health", new StatusRange(200, 299), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), 4, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)), shop.Health);
        Assert.Equal(new DrainSpec(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(1.5)), shop.Drain);
    }

    [Fact]
    public void Parse_MinimalApp_GetsEveryDefault()
    {
        var shop = _folder.Parse("apps:\n  shop:\n    image: shop:1\n    listen: 127.0.0.1:8080\n    slots: { blue: 18080, green: 18081 }\n").Apps["shop"];

        Assert.Equal(PullPolicy.Missing, shop.Pull);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 8080), shop.Listen);
        Assert.Equal(ContainerSpec.DefaultPort, shop.Container.Port);
        Assert.True(shop.Container.SameAs(ContainerSpec.Default));
        Assert.Equal(HealthSpec.Default, shop.Health);
        Assert.Equal(DrainSpec.Default, shop.Drain);
    }

    [Fact]
    public void Parse_SectionsGivenOnlyInPart_KeepTheOtherDefaults()
    {
        var shop = _folder.Parse("""
            apps:
              shop:
                image: shop:1
                listen: 8080
                slots: { blue: 18080, green: 18081 }
                container: { memory: 1G }
                health: { path: /ready }
                drain: { timeout: 0s }
            """).Apps["shop"];

        Assert.Equal(ContainerSpec.Default with { MemoryBytes = 1L << 30, Env = shop.Container.Env, Volumes = shop.Container.Volumes, Command = shop.Container.Command }, shop.Container);
        Assert.Empty(shop.Container.Env);
        Assert.Equal(HealthSpec.Default with { Path = "/ready" }, shop.Health);
        Assert.Equal(DrainSpec.Default with { Timeout = TimeSpan.Zero }, shop.Drain);
    }

    [Fact]
    public void Parse_EmptySections_MeanTheDefaults()
    {
        var shop = _folder.Parse("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n    container:\n    health:\n    drain:\n").Apps["shop"];

        Assert.True(shop.Container.SameAs(ContainerSpec.Default));
        Assert.Equal(HealthSpec.Default, shop.Health);
        Assert.Equal(DrainSpec.Default, shop.Drain);
    }

    [Fact]
    public void Parse_BarePortListen_MeansEveryIPv4Address()
    {
        var shop = _folder.Parse("apps:\n  shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 } }\n").Apps["shop"];

        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), shop.Listen);
    }

    [Fact]
    public void Parse_BracketedIPv6Listen_IsRead()
    {
        var shop = _folder.Parse("apps:\n  shop: { image: shop:1, listen: \"[::1]:8443\", slots: { blue: 18080, green: 18081 } }\n").Apps["shop"];

        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 8443), shop.Listen);
    }

    [Fact]
    public void Parse_EnvScalars_AreTakenAsTheTextWritten()
    {
        var env = _folder.Parse("""
            apps:
              shop:
                image: shop:1
                listen: 8080
                slots: { blue: 18080, green: 18081 }
                container:
                  env: { WORKERS: 4, DEBUG: true, RATIO: 0.50, EMPTY: "", _UNDERSCORE: x }
            """).Apps["shop"].Container.Env;

        Assert.Equal(["4", "true", "0.50", "", "x"], [env["WORKERS"], env["DEBUG"], env["RATIO"], env["EMPTY"], env["_UNDERSCORE"]]);
        Assert.False(env.ContainsKey("workers"));
    }

    [Fact]
    public void Parse_SeveralApps_AreKeyedByName()
    {
        var config = _folder.Parse("""
            apps:
              shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 } }
              blog-2: { image: ghcr.io/org/blog:2, pull: never, listen: 8090, slots: { blue: 18090, green: 18091 } }
            """);

        Assert.Equal(["blog-2", "shop"], config.Apps.Keys.Order());
        Assert.Equal(PullPolicy.Never, config.Apps["blog-2"].Pull);
    }

    [Theory]
    [InlineData("apps: {}\n")]
    [InlineData("apps:\n")]
    [InlineData("# every app removed\napps: {}\n")]
    public void Parse_NoApps_IsValid(string yaml)
    {
        Assert.Empty(_folder.Parse(yaml).Apps);
    }

    [Fact]
    public void Parse_RelativeEnvFile_IsResolvedAgainstTheYamlFolder()
    {
        var yamlPath = _folder.Write("conf/apps.yaml", "");
        var nested = _folder.Write("conf/env/shop.env", "A=1\n");
        var sibling = _folder.Write("shared.env", "B=2\n");
        var absolute = _folder.Write("elsewhere/blog.env", "C=3\n");

        var config = AppsYamlParser.Parse($$"""
            apps:
              shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 }, container: { env_file: env/shop.env } }
              news: { image: news:1, listen: 8081, slots: { blue: 18082, green: 18083 }, container: { env_file: ../shared.env } }
              blog: { image: blog:1, listen: 8082, slots: { blue: 18084, green: 18085 }, container: { env_file: "{{absolute}}" } }
            """, yamlPath);

        Assert.Equal(nested, config.Apps["shop"].Container.EnvFile);
        Assert.Equal(sibling, config.Apps["news"].Container.EnvFile);
        Assert.Equal(absolute, config.Apps["blog"].Container.EnvFile);
    }

    [Fact]
    public void Load_ReadsTheFileAndKeepsItsAbsolutePath()
    {
        var path = _folder.Write("apps.yaml", "apps:\n  shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 } }\n");

        var config = AppsYamlParser.Load(Path.GetRelativePath(Environment.CurrentDirectory, path));

        Assert.Equal(path, config.Path);
        Assert.Equal(["shop"], config.Apps.Keys);
    }

    [Fact]
    public void Load_MissingFile_IsOneProblemWithoutAPosition()
    {
        var path = Path.Combine(_folder.Root, "nope.yaml");

        var error = Assert.Throws<ConfigException>(() => AppsYamlParser.Load(path));

        var problem = Assert.Single(error.Problems);
        Assert.Equal((path, 0, 0), (problem.File, problem.Line, problem.Column));
        Assert.StartsWith($"{path}: (file): cannot read the file", problem.ToString());
    }
}
