using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>
/// Seeded random mutations of valid apps.yaml files: none escapes the parser as anything but a refusal, every
/// refusal says file:line:col, and no refusal changes the config in force.
/// </summary>
/// <remarks>
/// The seed is fixed so a run is repeatable; set CUTOVER_FUZZ_SEED to explore others. A failure names the
/// mutation's own seed: CUTOVER_FUZZ_MUTATION=that seed repeats only that mutation.
/// </remarks>
public sealed class AppsYamlFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultSeed = 20261201;
    private const int MaxIterations = 20_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    /// <summary>What a mutation may insert: YAML's structural characters, aliases and anchors, and values that stress its readers.</summary>
    private static readonly string[] Insertions =
    [
        "[", "]", "{", "}", "*a", "&a ", "*shop", "&shop ", ": ", ":", ",", "- ", "? ", "\t", "\n", " ", "#", "'", "\"", "|", ">",
        "!", "!!binary ", "!!map ", "<<: *a\n", "---\n", "...\n", "%YAML 1.1\n", "~", "null", ".inf", "-1", "0x1F", "1e400",
        "\u00e9", "\u202e", "\ufeff", "\u2028", "\U0001F680", "\0", "\\0", "\"\\uD800\"", "\"\\n\"", "\"shop\\n\"",
    ];

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ParseAndReload_MutatedValidFiles_RefuseWithAPositionAndNeverChangeTheConfigInForce()
    {
        var seed = Setting("CUTOVER_FUZZ_SEED") ?? DefaultSeed;
        var only = Setting("CUTOVER_FUZZ_MUTATION");
        var samples = Samples();
        _folder.Write("shop.env", "SECRET=1\n");
        _folder.Write("apps.yaml", samples[0]);
        var events = new EngineEventStream();
        using var monitor = new AppsConfigMonitor(
            Options.Create(new EngineOptions { AppsFile = _folder.YamlPath }),
            events,
            Cutover.Tests.Unit.Engine.Fakes.TestMeterFactory.Unobserved(),
            TimeProvider.System,
            NullLogger<AppsConfigMonitor>.Instance);
        var inForce = monitor.LoadInitial();
        var textInForce = monitor.CurrentText;

        var random = new Random(seed);
        var watch = Stopwatch.StartNew();
        var (iterations, refused, accepted, problems) = (0, 0, 0, 0);
        while (iterations < MaxIterations && watch.Elapsed < Budget)
        {
            iterations++;
            var mutationSeed = only ?? random.Next();
            var text = Mutate(samples[mutationSeed % samples.Count], mutationSeed);
            var where = $"seed {seed}, iteration {iterations}, mutation seed {mutationSeed}";
            IReadOnlyList<ConfigProblem> refusal;
            try
            {
                AppsYamlParser.Parse(text, _folder.YamlPath, monitor.ReservedPorts);
                accepted++;
                continue;
            }
            catch (ConfigException ex)
            {
                refusal = ex.Problems;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{where}: {ex.GetType().Name} escaped the parser: {ex}\n--- text ---\n{Shorten(text)}");
                return;
            }

            refused++;
            problems += refusal.Count;
            Assert.True(refusal.Count > 0, $"{where}: refused without a problem");
            foreach (var problem in refusal)
            {
                // The messages are built only on failure: Shorten writes the text to a file.
                if (problem.File != _folder.YamlPath || problem.Line <= 0 || problem.Column <= 0 || problem.Message.Length == 0)
                {
                    Assert.Fail($"{where}: a problem without file:line:col or message: {problem}\n--- text ---\n{Shorten(text)}");
                }

                if (problem.Message.Contains("a bug in Cutover", StringComparison.Ordinal))
                {
                    Assert.Fail($"{where}: the parser failed and refused the file as its own fault: {problem}\n--- text ---\n{Shorten(text)}");
                }
            }

            // The same text through the monitor: refused again, and nothing in force moves.
            File.WriteAllText(_folder.YamlPath, text);
            Assert.NotEmpty(monitor.Reload());
            Assert.True(
                ReferenceEquals(inForce, monitor.Current) && monitor.CurrentText == textInForce,
                $"{where}: a refused edit changed the config in force");
        }

        output.WriteLine($"{iterations} mutations in {watch.Elapsed.TotalSeconds:0.0} s (seed {seed}): {refused} refused with {problems} problems, {accepted} accepted, 0 crashes, 0 state changes");
        Assert.True(only is not null || (refused > 0 && accepted > 0), "the mutations should produce both valid and invalid files");
    }

    /// <summary>The text <paramref name="sample"/> becomes after one to four random edits drawn from <paramref name="mutationSeed"/>.</summary>
    private static string Mutate(string sample, int mutationSeed)
    {
        var random = new Random(mutationSeed);
        var lines = sample.Split('\n').ToList();
        for (var edits = random.Next(1, 5); edits > 0 && lines.Count > 0; edits--)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(10))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(at, lines[random.Next(lines.Count)]);
                    break;
                case 2:
                    (lines[at], lines[^1]) = (lines[^1], lines[at]);
                    break;
                case 3:
                    lines[at] = lines[at].Length > 0 && random.Next(2) == 0 ? lines[at][1..] : " " + lines[at];
                    break;
                case 4:
                    lines[at] = Insert(lines[at], random, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 5:
                    lines[at] = Insert(lines[at], random, new string(random.Next(2) == 0 ? '[' : '{', random.Next(1, 300)));
                    break;
                case 6:
                    lines[at] = Insert(lines[at], random, new string('9', random.Next(20, 400)));
                    break;
                case 7:
                    lines[at] = Insert(lines[at], random, new string((char)random.Next(0x20, 0x7f), random.Next(100, 20_000)));
                    break;
                case 8:
                    lines.Insert(at, AliasBomb(random.Next(3, 10)));
                    break;
                default:
                    var text = string.Join('\n', lines);
                    lines = text[..random.Next(text.Length + 1)].Split('\n').ToList();
                    break;
            }
        }

        return string.Join('\n', lines);
    }

    private static int? Setting(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Insert(string line, Random random, string insertion) => line.Insert(random.Next(line.Length + 1), insertion);

    private static string AliasBomb(int levels)
    {
        var bomb = new StringBuilder("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level <= levels; level++)
        {
            bomb.Append(CultureInfo.InvariantCulture, $"x{level}: &x{level} [").AppendJoin(", ", Enumerable.Repeat($"*x{level - 1}", 10)).Append("]\n");
        }

        return bomb.Append(CultureInfo.InvariantCulture, $"? *x{levels}\n: boom").ToString();
    }

    /// <summary>The start of <paramref name="text"/> for the failure message; the whole of it is kept in a file named there.</summary>
    private static string Shorten(string text)
    {
        var kept = Path.Combine(Path.GetTempPath(), $"cutover-fuzz-{text.GetHashCode():x8}.yaml");
        File.WriteAllText(kept, text);
        return (text.Length <= 2000 ? text : text[..2000] + $"… ({text.Length} characters)") + $"\n--- all of it in {kept} ---";
    }

    /// <summary>Valid files to start from: the sample the README's run command serves, and ones using every key, flow style and anchors.</summary>
    private static List<string> Samples()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Console.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("the repository root (Console.sln) was not found");
        }

        return
        [
            File.ReadAllText(Path.Combine(root, "appsettings", "apps.yaml")),
            YamlSamples.EveryKey,
            """
            apps:
              api: { image: "registry.example.com:5000/team/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", listen: "[::1]:9090", slots: { blue: 19090, green: 19091 } }
              web:
                image: web:2
                listen: 127.0.0.1:9091
                slots: { blue: 19092, green: 19093 }
                health: &health
                  path: /ready
                  expect: "200"
                  interval: 1s
              worker:
                image: worker:3
                pull: never
                listen: 9092
                slots:
                  blue: 19094
                  green: 19095
                health: *health
                container:
                  env:
                    QUEUE: jobs
                    RETRIES: "3"
                  command:
                    - ./worker
                    - --queue=jobs
            """,
        ];
    }
}
