using System.Text.Json;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary><c>config validate</c>: the host's own parser on a local file, no host needed.</summary>
public sealed class ConfigValidateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-cli-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ValidFile_ExitsZero_NamingItsApps_EvenWithEnvFileRelativeToTheFile()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "secrets"));
        File.WriteAllText(Path.Combine(_folder, "secrets", "shop.env"), "DB_PASSWORD=x\n");
        var file = Write("""
            apps:
              shop:
                image: shop:1
                listen: 127.0.0.1:8080
                slots: { blue: 9001, green: 9002 }
                container: { port: 8080, env_file: secrets/shop.env }
            """);

        var run = await CliRun.RunAsync(new UnreachableHost(), "config", "validate", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{file}: valid, 1 application: shop\n", run.Out);
    }

    [Fact]
    public async Task InvalidFile_ExitsOne_WithEveryProblemAtFileLineColumn()
    {
        var file = Write("""
            apps:
              shop:
                image: shop:1
                listen: 127.0.0.1:8080
                slots: { blue: 9001, green: 9001 }
                container: { port: 8080, env_file: missing.env }
                helth: { path: / }
            """);

        var run = await CliRun.RunAsync(new UnreachableHost(), "config", "validate", file);

        Assert.Equal(ExitCodes.NotSucceeded, run.ExitCode);
        var lines = run.Out.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length >= 3, run.ToString());
        Assert.All(lines, line => Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(file)}:[0-9]+:[0-9]+: apps\\.shop[a-z_.]*: .+", line));
        Assert.Contains(lines, l => l.Contains("missing.env") && l.Contains("does not exist"));
        Assert.Contains(lines, l => l.Contains(":7:5: apps.shop.helth:"));
        Assert.Contains("the host would refuse this file", run.Error);
    }

    [Fact]
    public async Task TheAdminPortOfUrl_IsReserved_AsTheHostReservesIt()
    {
        var file = Write("""
            apps:
              shop:
                image: shop:1
                listen: 127.0.0.1:7070
                slots: { blue: 9001, green: 9002 }
            """);

        var run = await CliRun.RunAsync(new UnreachableHost(), "config", "validate", file, "--url", "http://127.0.0.1:7070");

        Assert.Equal(ExitCodes.NotSucceeded, run.ExitCode);
        Assert.Contains("reserved", run.Out);
    }

    [Fact]
    public async Task MissingFile_IsAProblem_NotACrash()
    {
        var run = await CliRun.RunAsync(new UnreachableHost(), "config", "validate", Path.Combine(_folder, "nope.yaml"));

        Assert.Equal(ExitCodes.NotSucceeded, run.ExitCode);
        Assert.Contains("cannot read the file", run.Out);
    }

    [Fact]
    public async Task Json_ListsTheProblems()
    {
        var file = Write("apps:\n  Shop!: { image: x }\n");

        var run = await CliRun.RunAsync(new UnreachableHost(), "config", "validate", file, "--json");

        var answer = JsonDocument.Parse(run.Out).RootElement;
        Assert.False(answer.GetProperty("valid").GetBoolean());
        Assert.True(answer.GetProperty("problems").GetArrayLength() > 0);
        Assert.Equal(2, answer.GetProperty("problems")[0].GetProperty("line").GetInt32());
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_folder, "apps.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
