using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>What an invalid apps.yaml is refused with: every problem, at its line and column, with its field path.</summary>
public sealed class AppsYamlValidationTests : IDisposable
{
    /// <summary>A valid app to add problems to; its keys start at column 5.</summary>
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_UnknownKey_IsRefusedWithItsLineAndColumn()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    replicas: 3\n"));

        AssertAt(problem, 6, 5, "apps.shop.replicas");
        Assert.Equal("unknown key 'replicas'; expected one of: image, pull, listen, slots, container, health, drain, proxy, retain_images, release, promotion, preview, strategy, canary, analysis, watch", problem.Message);
        Assert.Equal($"{_folder.YamlPath}:6:5: apps.shop.replicas: {problem.Message}", problem.ToString());
    }

    [Fact]
    public void Parse_UnknownKeysAtEveryLevel_AreEachRefused()
    {
        var problems = _folder.Problems("""
            version: 2
            apps:
              shop:
                image: shop:1
                listen: 8080
                slots: { blue: 18080, green: 18081, red: 18082 }
                container: { ports: [80] }
                health: { retries: 3 }
                drain: { grace: 1s }
            """);

        Assert.Equal(
            [(1, 1, "version"), (6, 41, "apps.shop.slots.red"), (7, 18, "apps.shop.container.ports"), (8, 15, "apps.shop.health.retries"), (9, 14, "apps.shop.drain.grace")],
            problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.Equal("unknown key 'version'; expected one of: apps", problems[0].Message);
        Assert.Equal("unknown key 'grace'; expected one of: timeout, websocket_timeout", problems[4].Message);
    }

    [Fact]
    public void Parse_AListWhereAMappingIsExpected_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    health: [/health]\n"));

        AssertAt(problem, 6, 13, "apps.shop.health");
        Assert.Equal("must be a mapping with the keys path, expect, interval, timeout, healthy_after, start_grace, deadline, host; found a list", problem.Message);
    }

    [Fact]
    public void Parse_AMappingWhereAValueIsExpected_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    image: { name: shop }\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n"));

        AssertAt(problem, 3, 12, "apps.shop.image");
        Assert.Equal("must be a single value, not a list or mapping", problem.Message);
    }

    [Fact]
    public void Parse_AppsAsAList_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  - shop\n"));

        AssertAt(problem, 2, 3, "apps");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing yet\n")]
    [InlineData("---\n")]
    public void Parse_EmptyFile_IsRefused(string yaml)
    {
        var problem = Assert.Single(_folder.Problems(yaml));

        AssertAt(problem, 1, 1, "(root)");
        Assert.Equal("the file is empty; expected a mapping with 'apps:'", problem.Message);
    }

    [Theory]
    [InlineData("- apps\n", "must be a mapping with the keys apps; found a list")]
    [InlineData("apps\n", "must be a mapping with the keys apps; found 'apps'")]
    public void Parse_RootThatIsNotAMapping_IsRefused(string yaml, string message)
    {
        var problem = Assert.Single(_folder.Problems(yaml));

        AssertAt(problem, 1, 1, "(root)");
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void Parse_RootWithoutApps_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("{}\n"));

        AssertAt(problem, 1, 1, "apps");
        Assert.Contains("is required", problem.Message);
    }

    [Fact]
    public void Parse_SecondYamlDocument_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("apps: {}\n---\napps: {}\n"));

        AssertAt(problem, 3, 1, "(yaml)");
        Assert.Contains("more than one YAML document", problem.Message);
    }

    [Fact]
    public void Parse_YamlSyntaxError_IsReportedWhereItIs()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    image: shop:1\n   listen: 8080\n"));

        AssertAt(problem, 4, 4, "(yaml)");
    }

    [Fact]
    public void Parse_UnclosedFlowList_IsReportedAtTheLineAfter()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    command: [unclosed\n"));

        AssertAt(problem, 4, 1, "(yaml)");
        Assert.Contains("did not find expected ',' or ']'", problem.Message);
    }

    [Fact]
    public void Parse_MissingRequiredFields_PointAtTheAppsKey()
    {
        var problems = _folder.Problems("apps:\n  shop:\n    pull: never\n");

        Assert.Equal(["apps.shop.image", "apps.shop.listen", "apps.shop.slots"], problems.Select(p => p.FieldPath));
        Assert.All(problems, p => Assert.Equal((2, 3), (p.Line, p.Column)));
        Assert.Equal("'image' is required", problems[0].Message);
    }

    [Fact]
    public void Parse_AppWithNothingUnderIt_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n"));

        AssertAt(problem, 2, 8, "apps.shop");
        Assert.StartsWith("must be a mapping with the keys image, pull,", problem.Message);
        Assert.EndsWith("; found nothing", problem.Message);
    }

    [Fact]
    public void Parse_SlotsWithoutGreen_PointsAtTheSlotsKey()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080 }\n"));

        AssertAt(problem, 5, 5, "apps.shop.slots.green");
    }

    [Theory]
    [InlineData("Shop")]
    [InlineData("-shop")]
    [InlineData("shop-")]
    [InlineData("my_shop")]
    [InlineData("shop.web")]
    [InlineData("a2345678901234567890123456789012345678901")]
    public void Parse_InvalidAppName_IsRefusedAtItsKey(string name)
    {
        var problem = Assert.Single(_folder.Problems($"apps:\n  {name}: {{ image: shop:1, listen: 8080, slots: {{ blue: 18080, green: 18081 }} }}\n"));

        AssertAt(problem, 2, 3, $"apps.{name}");
        Assert.Contains("1-40 characters of a-z, 0-9 and '-'", problem.Message);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("shop-2")]
    [InlineData("a--b")]
    [InlineData("a234567890123456789012345678901234567890")]
    public void Parse_ValidAppName_IsAccepted(string name)
    {
        Assert.Contains(name, _folder.Parse($"apps:\n  {name}: {{ image: shop:1, listen: 8080, slots: {{ blue: 18080, green: 18081 }} }}\n").Apps.Keys);
    }

    [Fact]
    public void Parse_DuplicateAppName_IsRefusedAndTheRestIsStillChecked()
    {
        var problems = _folder.Problems("""
            apps:
              shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 } }
              blog: { image: blog:1, listen: 8090, slots: { blue: 18090, green: 18091 }, pull: sometimes }
              shop: { image: shop:2, listen: 8070, slots: { blue: 18070, green: 18071 } }
            """);

        Assert.Equal(2, problems.Count);
        AssertAt(problems[0], 3, 84, "apps.blog.pull");
        AssertAt(problems[1], 4, 3, "apps.shop");
        Assert.Equal("the key 'shop' appears twice in the same mapping (first at line 2, column 3); only the first is read", problems[1].Message);
    }

    [Fact]
    public void Parse_DuplicateKeyInsideAnApp_IsRefusedWithItsPath()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    container:\n      env: { A: 1 }\n      env: { B: 2 }\n"));

        AssertAt(problem, 8, 7, "apps.shop.container.env");
        Assert.Contains("appears twice", problem.Message);
    }

    [Theory]
    [InlineData("Bad Image", "it contains white space")]
    [InlineData("UPPER/case", "repository names must be lowercase")]
    [InlineData("\"shop:\"", "the tag after ':' is empty")]
    public void Parse_InvalidImage_IsRefusedWithTheReason(string image, string reason)
    {
        var problem = Assert.Single(_folder.Problems($"apps:\n  shop:\n    image: {image}\n    listen: 8080\n    slots: {{ blue: 18080, green: 18081 }}\n"));

        AssertAt(problem, 3, 12, "apps.shop.image");
        Assert.EndsWith($"is not a valid image reference: {reason}", problem.Message);
    }

    [Fact]
    public void Parse_UnknownPullPolicy_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    pull: sometimes\n"));

        AssertAt(problem, 6, 11, "apps.shop.pull");
        Assert.Equal("'sometimes' is not a pull policy; expected always, missing or never", problem.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("0.0.0.0:0")]
    [InlineData("0.0.0.0")]
    [InlineData("1.2.3:80")]
    [InlineData("localhost:8080")]
    [InlineData("256.0.0.1:8080")]
    [InlineData("\"::1:8080\"")]
    [InlineData("\"[::1]8080\"")]
    [InlineData("http://0.0.0.0:8080")]
    public void Parse_InvalidListen_IsRefused(string listen)
    {
        var problem = Assert.Single(_folder.Problems($"apps:\n  shop:\n    image: shop:1\n    listen: {listen}\n    slots: {{ blue: 18080, green: 18081 }}\n"));

        AssertAt(problem, 4, 13, "apps.shop.listen");
        Assert.Contains("is not a listen address; expected IPv4:PORT or [IPv6]:PORT", problem.Message);
    }

    [Fact]
    public void Parse_InvalidPorts_AreEachRefused()
    {
        var problems = _folder.Problems("""
            apps:
              shop:
                image: shop:1
                listen: 8080
                slots: { blue: 0, green: 70000 }
                container: { port: http }
            """);

        Assert.Equal(
            [(5, 20, "apps.shop.slots.blue"), (5, 30, "apps.shop.slots.green"), (6, 24, "apps.shop.container.port")],
            problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.Equal("'70000' is not a port; expected a whole number from 1 to 65535", problems[1].Message);
    }

    [Fact]
    public void Parse_BlueEqualsGreen_IsRefusedNamingBoth()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18080 }\n"));

        AssertAt(problem, 5, 34, "apps.shop.slots.green");
        Assert.Equal("the blue and green slots of 'shop' both use port 18080 (apps.shop.slots.blue and apps.shop.slots.green); each slot needs its own port", problem.Message);
    }

    [Fact]
    public void Parse_PortsClashingBetweenApps_AreRefusedNamingBoth()
    {
        var problems = _folder.Problems("""
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

        Assert.Equal([(8, 13, "apps.blog.listen"), (9, 20, "apps.blog.slots.blue")], problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.Equal("port 8080 of the listener of 'blog' is already used by the listener of 'shop' (apps.shop.listen)", problems[0].Message);
        Assert.Equal("port 18081 of the blue slot of 'blog' is already used by the green slot of 'shop' (apps.shop.slots.green)", problems[1].Message);
    }

    [Fact]
    public void Parse_ListenerOnAnotherAppsSlotPort_ClashesWhateverItsAddress()
    {
        var problem = Assert.Single(_folder.Problems("""
            apps:
              shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 } }
              blog: { image: blog:1, listen: "10.0.0.5:18080", slots: { blue: 18090, green: 18091 } }
            """));

        AssertAt(problem, 3, 34, "apps.blog.listen");
        Assert.Contains("already used by the blue slot of 'shop'", problem.Message);
    }

    [Fact]
    public void Parse_AppsOwnListenerOnItsSlotPort_Clashes()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop: { image: shop:1, listen: 18080, slots: { blue: 18080, green: 18081 } }\n"));

        AssertAt(problem, 2, 56, "apps.shop.slots.blue");
        Assert.Contains("already used by the listener of 'shop'", problem.Message);
    }

    [Theory]
    [InlineData("0.0.0.0:8080", "127.0.0.1:8080")]
    [InlineData("8080", "192.168.1.10:8080")]
    [InlineData("\"[::]:8080\"", "127.0.0.1:8080")]
    [InlineData("127.0.0.1:8080", "127.0.0.1:8080")]
    public void Parse_ListenersOnOverlappingAddresses_Clash(string first, string second)
    {
        var problem = Assert.Single(_folder.Problems($$"""
            apps:
              shop: { image: shop:1, listen: {{first}}, slots: { blue: 18080, green: 18081 } }
              blog: { image: blog:1, listen: {{second}}, slots: { blue: 18090, green: 18091 } }
            """));

        Assert.Equal("apps.blog.listen", problem.FieldPath);
    }

    [Fact]
    public void Parse_SamePortOnTwoSpecificAddresses_DoesNotClash()
    {
        var config = _folder.Parse("""
            apps:
              shop: { image: shop:1, listen: "127.0.0.1:8080", slots: { blue: 18080, green: 18081 } }
              blog: { image: blog:1, listen: "127.0.0.2:8080", slots: { blue: 18082, green: 18083 } }
              news: { image: news:1, listen: "[::1]:8080", slots: { blue: 18084, green: 18085 } }
            """);

        Assert.Equal(3, config.Apps.Count);
    }

    [Fact]
    public void Parse_ReservedPorts_AreRefusedWhereverTheyAreUsed()
    {
        var problems = _folder.Problems("apps:\n  shop: { image: shop:1, listen: \"127.0.0.1:5080\", slots: { blue: 5081, green: 18081 } }\n", new HashSet<int> { 5080, 5081 });

        Assert.Equal([(2, 34, "apps.shop.listen"), (2, 67, "apps.shop.slots.blue")], problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.Equal("port 5080 of the listener of 'shop' is reserved: the Cutover host itself listens there (e.g. its admin API)", problems[0].Message);
    }

    [Fact]
    public void Parse_EnvWithBadNamesAndValues_IsRefusedPerKey()
    {
        var problems = _folder.Problems(Shop + "    container:\n      env:\n        1BAD: x\n        GOOD: y\n        LIST: [a, b]\n        WITH-DASH: z\n");

        Assert.Equal(
            [(8, 9, "apps.shop.container.env.1BAD"), (10, 15, "apps.shop.container.env.LIST"), (11, 9, "apps.shop.container.env.WITH-DASH")],
            problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.Equal("'1BAD' is not a valid environment variable name (letters, digits and '_', not starting with a digit)", problems[0].Message);
    }

    [Fact]
    public void Parse_EnvAsAList_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    container: { env: [A=1] }\n"));

        AssertAt(problem, 6, 23, "apps.shop.container.env");
        Assert.Equal("must be a mapping of NAME: value", problem.Message);
    }

    [Fact]
    public void Parse_MissingEnvFile_IsRefusedNamingTheResolvedPath()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    container: { env_file: missing.env }\n"));

        AssertAt(problem, 6, 28, "apps.shop.container.env_file");
        Assert.Equal($"'{Path.Combine(_folder.Root, "missing.env")}' does not exist", problem.Message);
    }

    [Fact]
    public void Parse_EnvFileThatIsAFolder_IsRefused()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Root, "env"));

        Assert.Equal("apps.shop.container.env_file", Assert.Single(_folder.Problems(Shop + "    container: { env_file: env }\n")).FieldPath);
    }

    [Fact]
    public void Parse_BadVolumes_AreEachRefused()
    {
        var problems = _folder.Problems(Shop + """
                container:
                  volumes:
                    - ./relative:/data
                    - /srv/data:data
                    - /srv/data:/data:rx
                    - /srv/data
                    - /srv/data:/data:ro
                    - cache_1.v:/cache
                    - [nested]
            """ + "\n");

        Assert.Equal(
            [(8, 11, "apps.shop.container.volumes[0]"), (9, 11, "apps.shop.container.volumes[1]"), (10, 11, "apps.shop.container.volumes[2]"), (11, 11, "apps.shop.container.volumes[3]"), (14, 11, "apps.shop.container.volumes[6]")],
            problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.Equal("'./relative:/data' is not a volume; expected /host/path:/container/path or name:/container/path, optionally :ro or :rw", problems[0].Message);
        Assert.Equal("must be a single value, not a list or mapping", problems[4].Message);
    }

    [Theory]
    [InlineData("memory: 0", "'0' is not a memory size")]
    [InlineData("memory: 12x", "'12x' is not a memory size")]
    [InlineData("memory: -1m", "'-1m' is not a memory size")]
    [InlineData("memory: 99999999999999g", "is not a memory size")]
    [InlineData("cpus: 0", "'0' is not a CPU count; expected a number above 0 and at most 1024")]
    [InlineData("cpus: 1025", "'1025' is not a CPU count")]
    [InlineData("cpus: two", "'two' is not a CPU count")]
    [InlineData("command: ./shop --serve", "must be a list")]
    public void Parse_BadContainerLimitsOrCommand_AreRefused(string field, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    container:\n      " + field + "\n"));

        Assert.Equal((7, 7 + field.IndexOf(' ') + 1), (problem.Line, problem.Column));
        Assert.Equal($"apps.shop.container.{field[..field.IndexOf(':')]}", problem.FieldPath);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void Parse_BareNumberDuration_IsRefusedNamingTheUnits()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    health:\n      interval: 2\n"));

        AssertAt(problem, 7, 17, "apps.shop.health.interval");
        Assert.Equal("'2' is not a duration; expected a number followed by ms, s, m or h, e.g. 500ms, 2s, 1.5m, 1h", problem.Message);
    }

    [Theory]
    [InlineData("health", "interval", "0s", false)]
    [InlineData("health", "timeout", "0ms", false)]
    [InlineData("health", "deadline", "0m", false)]
    [InlineData("health", "start_grace", "0s", true)]
    [InlineData("drain", "timeout", "0s", true)]
    [InlineData("drain", "websocket_timeout", "0s", true)]
    public void Parse_ZeroDuration_IsAllowedOnlyWhereWaitingNothingMakesSense(string section, string key, string value, bool allowed)
    {
        var yaml = Shop + $"    {section}:\n      {key}: {value}\n";

        if (allowed)
        {
            _folder.Parse(yaml);
        }
        else
        {
            var problem = Assert.Single(_folder.Problems(yaml));
            Assert.Equal(($"apps.shop.{section}.{key}", "must be longer than zero"), (problem.FieldPath, problem.Message));
        }
    }

    [Theory]
    [InlineData("path: health", "'health' must start with '/'")]
    [InlineData("expect: 600", "'600' is not a status range")]
    [InlineData("expect: 400-200", "'400-200' is not a status range")]
    [InlineData("expect: 2xx", "'2xx' is not a status range")]
    [InlineData("healthy_after: 0", "'0' is not a count; expected a whole number from 1 to 100")]
    [InlineData("healthy_after: 101", "'101' is not a count")]
    [InlineData("healthy_after: 1.5", "'1.5' is not a count")]
    [InlineData("timeout: -1s", "'-1s' is not a duration")]
    public void Parse_BadHealthSettings_AreRefused(string field, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    health:\n      " + field + "\n"));

        Assert.Equal((7, 7 + field.IndexOf(' ') + 1), (problem.Line, problem.Column));
        Assert.Equal($"apps.shop.health.{field[..field.IndexOf(':')]}", problem.FieldPath);
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Parse_EmptyRequiredValue_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    image: \"\"\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n"));

        AssertAt(problem, 3, 12, "apps.shop.image");
        Assert.Equal("must not be empty", problem.Message);
    }

    [Fact]
    public void Parse_EveryProblem_IsReportedAtOnceInFileOrder()
    {
        var problems = _folder.Problems("""
            apps:
              Shop_1:
                image: Bad Image
                pull: sometimes
                listen: 99999
                slots: { blue: 18080, green: 18080 }
                health: { interval: 2 seconds, healthy_after: 0, expect: 600 }
                drain: { timeout: -1s }
              blog:
                image: blog:1
                listen: 8090
                slots: { blue: 5080, green: 18091 }
            """, new HashSet<int> { 5080 });

        Assert.Equal(
            [
                (2, 3, "apps.Shop_1"),
                (3, 12, "apps.Shop_1.image"),
                (4, 11, "apps.Shop_1.pull"),
                (5, 13, "apps.Shop_1.listen"),
                (6, 34, "apps.Shop_1.slots.green"),
                (7, 25, "apps.Shop_1.health.interval"),
                (7, 51, "apps.Shop_1.health.healthy_after"),
                (7, 62, "apps.Shop_1.health.expect"),
                (8, 23, "apps.Shop_1.drain.timeout"),
                (12, 20, "apps.blog.slots.blue"),
            ],
            problems.Select(p => (p.Line, p.Column, p.FieldPath)));
        Assert.All(problems, p => Assert.Equal(_folder.YamlPath, p.File));
    }

    [Fact]
    public void ConfigException_ListsEveryProblemInItsMessage()
    {
        var error = Assert.Throws<ConfigException>(() => _folder.Parse(Shop + "    pull: sometimes\n    replicas: 2\n"));

        Assert.StartsWith("apps.yaml is invalid (2 problems):", error.Message);
        Assert.Contains($"{_folder.YamlPath}:6:11: apps.shop.pull:", error.Message);
        Assert.Contains($"{_folder.YamlPath}:7:5: apps.shop.replicas:", error.Message);
    }

    [Theory]
    [InlineData("  \"shop\\n\":\n    image: shop:1\n", "apps.shop\n")]
    [InlineData("  shop:\n    image: \"shop:1\\n\"\n", "apps.shop.image")]
    [InlineData("  shop:\n    image: shop:1\n    listen: \"8080\\n\"\n", "apps.shop.listen")]
    [InlineData("  shop:\n    image: shop:1\n    listen: \"127.0.0.1:8080\\n\"\n", "apps.shop.listen")]
    [InlineData("  shop:\n    image: shop:1\n    container: { env: { \"KEY\\n\": v } }\n", "apps.shop.container.env.KEY\n")]
    [InlineData("  shop:\n    image: shop:1\n    container: { volumes: [\"cache\\n:/data\"] }\n", "apps.shop.container.volumes[0]")]
    [InlineData("  shop:\n    image: shop:1\n    health: { expect: \"200\\n\" }\n", "apps.shop.health.expect")]
    public void Parse_NameOrValueWithATrailingNewline_IsRefused(string app, string fieldPath)
    {
        var problems = _folder.Problems("apps:\n" + app + (app.Contains("listen", StringComparison.Ordinal) ? "" : "    listen: 8081\n") + "    slots: { blue: 18080, green: 18081 }\n");

        Assert.Contains(problems, p => p.FieldPath == fieldPath);
    }

    private static void AssertAt(ConfigProblem problem, int line, int column, string fieldPath) =>
        Assert.Equal((line, column, fieldPath), (problem.Line, problem.Column, problem.FieldPath));
}
