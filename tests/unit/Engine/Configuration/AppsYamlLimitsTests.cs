using System.Diagnostics;
using System.Text;
using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>A file crafted or mangled to be expensive is refused quickly, with file:line:col, instead of taking the host down.</summary>
public sealed class AppsYamlLimitsTests : IDisposable
{
    /// <summary>Guards against a hang or a minutes-long parse; not a performance assertion.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Parse_65KiBOfOpeningBrackets_IsRefusedAtTheDepthBoundInsteadOfOverflowingTheStack()
    {
        var yaml = "apps: " + new string('[', 65 * 1024) + "\n";

        var problem = Assert.Single(await ProblemsWithin(Generous, yaml));

        Assert.Equal((1, 6 + AppsYamlLimits.MaxDepth, "(yaml)"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal("lists and mappings nest deeper than 64 levels here; apps.yaml needs five", problem.Message);
    }

    [Fact]
    public async Task Parse_DeeplyNestedBlockLists_AreRefusedAtTheDepthBound()
    {
        var yaml = new StringBuilder("apps:\n");
        for (var depth = 1; depth <= 200; depth++)
        {
            yaml.Append(' ', depth).Append("-\n");
        }

        var problem = Assert.Single(await ProblemsWithin(Generous, yaml.ToString()));

        Assert.Equal("(yaml)", problem.FieldPath);
        Assert.Contains("nest deeper than 64 levels", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_AliasBombAsValues_IsRefusedAtTheAliasThatCrossesTheBound()
    {
        var problem = Assert.Single(await ProblemsWithin(Generous, BillionLaughs("    command: *l9\n")));

        Assert.Equal("(yaml)", problem.FieldPath);
        Assert.True(problem.Line > 0 && problem.Column > 0);
        Assert.Contains("repeat more than 100000 nodes", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_AliasBombAsAMappingKey_IsRefusedQuickly()
    {
        var problems = await ProblemsWithin(Generous, BillionLaughs("    ? *l9\n    : x\n"));

        Assert.Contains(problems, p => p.Message.Contains("repeat more than 100000 nodes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parse_AliasAsAMappingKey_IsRefusedWhereItIs()
    {
        var problems = await ProblemsWithin(Generous, """
            apps:
              shop:
                image: shop:1
                listen: 8080
                slots: &ports { blue: 18080, green: 18081 }
                *ports : x
            """);

        var problem = Assert.Single(problems);
        Assert.Equal((6, 5, "apps.shop.?"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal("a key must be a plain name, not an alias ('*name')", problem.Message);
    }

    [Fact]
    public void Parse_ListAsAMappingKey_IsRefusedWhereItIs()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  ? [shop, web]\n  : { image: shop:1 }\n"));

        Assert.Equal((2, 5, "apps.?"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal("a key must be a plain name, not a list or mapping", problem.Message);
    }

    [Fact]
    public void Parse_AliasInsideTheNodeItNames_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    command: &loop [a, *loop]\n"));

        Assert.Equal((3, 24, "(yaml)"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Contains("cannot contain itself", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasesWithinTheBound_StillShareSettings()
    {
        var config = _folder.Parse("""
            apps:
              shop:
                image: shop:1
                listen: 8080
                slots: { blue: 18080, green: 18081 }
                health: &health { path: /healthz, interval: 5s }
              web:
                image: web:1
                listen: 8081
                slots: { blue: 18082, green: 18083 }
                health: *health
            """);

        Assert.Equal("/healthz", config.Apps["web"].Health.Path);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Apps["web"].Health.Interval);
    }

    [Fact]
    public void Parse_TextOverOneMebibyte_IsRefusedNamingItsSizeAndTheBound()
    {
        var yaml = "apps: {}\n" + string.Concat(Enumerable.Repeat("# " + new string('x', 1021) + "\n", 2048));

        var problem = Assert.Single(_folder.Problems(yaml));

        Assert.Equal((1, 1, "(file)"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal($"the file is 2 MiB ({Encoding.UTF8.GetByteCount(yaml)} bytes); apps.yaml files are limited to 1 MiB", problem.Message);
    }

    [Fact]
    public void Load_FileOverOneMebibyte_IsRefusedBeforeItIsRead()
    {
        using (var file = File.Create(_folder.YamlPath))
        {
            file.SetLength(3L * 1024 * 1024 * 1024);
        }

        var problem = Assert.Single(Assert.Throws<ConfigException>(() => AppsYamlParser.Load(_folder.YamlPath)).Problems);

        Assert.Equal($"{_folder.YamlPath}:1:1: (file): the file is 3 GiB (3221225472 bytes); apps.yaml files are limited to 1 MiB", problem.ToString());
    }

    [Fact]
    public void Parse_ReadingPastTheTimeBound_IsRefusedWhereItStopped()
    {
        var slowClock = new SteppingClock(TimeSpan.FromMilliseconds(500));

        var error = Assert.Throws<ConfigException>(() => AppsYamlParser.Parse(BillionLaughs(""), _folder.YamlPath, time: slowClock));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("(yaml)", problem.FieldPath);
        Assert.True(problem.Line > 0 && problem.Column > 0);
        Assert.Equal("reading the file took longer than 10 s; it is too complex to be an apps.yaml", problem.Message);
    }

    [Fact]
    public void Parse_ManyProblems_ListsTheFirstHundredAndSaysHowManyMore()
    {
        var yaml = "apps:\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"  app{i}: {{ image: shop:1, listen: {10000 + i}, slots: {{ blue: {20000 + (2 * i)}, green: {20001 + (2 * i)} }}, oops: 1 }}\n"));

        var problems = _folder.Problems(yaml);

        Assert.Equal(AppsYamlLimits.MaxProblems, problems.Count);
        Assert.Equal("51 more problems from here on are not listed; fix the ones above first", problems[^1].Message);
        Assert.Equal(101, problems[^1].Line);
    }

    /// <summary>Nine levels of ten aliases each (10^9 nodes when expanded), then <paramref name="use"/> in a valid app.</summary>
    private static string BillionLaughs(string use)
    {
        var yaml = new StringBuilder("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n");
        yaml.Append("    container: { command: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol] }\n");
        yaml.Append("    health: { path: /x }\n");
        yaml.Append("  bomb:\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append($"    l{level}: &l{level} [").AppendJoin(", ", Enumerable.Repeat($"*l{level - 1}", 10)).Append("]\n");
        }

        return yaml.Append(use).ToString();
    }

    /// <summary>The problems <paramref name="yaml"/> is refused with, failing the test if that takes longer than <paramref name="bound"/>.</summary>
    private async Task<IReadOnlyList<ConfigProblem>> ProblemsWithin(TimeSpan bound, string yaml)
    {
        var watch = Stopwatch.StartNew();
        var refused = await Task.Run(() => _folder.Problems(yaml)).WaitAsync(bound);

        Assert.True(watch.Elapsed < bound, $"took {watch.Elapsed}");
        return refused;
    }

    /// <summary>A clock that moves on by <paramref name="step"/> each time it is read: a parse that seems to take forever.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }
}
