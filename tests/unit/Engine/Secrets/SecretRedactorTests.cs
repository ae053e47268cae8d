using Cutover.Engine.Configuration;
using Cutover.Engine.Secrets;

namespace Cutover.Tests.Unit.Engine.Secrets;

public sealed class SecretRedactorTests : IAsyncLifetime
{
    private const string AppsYaml = """
        # Cutover apps
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            container:
              env:
                DB_PASSWORD: hunter2-db   # keep this comment
                API_TOKEN: "tok-123456"
                LOG_LEVEL: debug
                KEYBOARD_LAYOUT: us-intl
                SHORT_SECRET: abc
                DATABASE_URL: postgres://shop:hunter2-db@db/shop
              env_file: shop.env
              command: ["--seed", "envfile-secret-1"]
          blog:
            image: demo:v1
            listen: 127.0.0.1:28090
            slots: { blue: 28091, green: 28092 }
        """;

    private string _folder = null!;
    private EngineHarness _engine = null!;

    private SecretRedactor Redactor => _engine.Get<SecretRedactor>();

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("cutover-secrets-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_folder, "shop.env"), "# shop secrets\nSTRIPE=envfile-secret-1\nPLAIN_LOOKING=\"quoted-value\"\nDEBUG=1\n");
        _engine = await EngineHarness.StartAsync(AppsYaml, _folder);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public void Redact_MasksSecretNamedValuesAndEveryEnvFileValue()
    {
        var text = "connect hunter2-db with tok-123456 and envfile-secret-1 (quoted-value) at debug level, layout us-intl";

        Assert.Equal("connect *** with *** and *** (***) at debug level, layout us-intl", Redactor.Redact(text));
    }

    [Fact]
    public void Redact_LeavesValuesShorterThanFourCharacters()
    {
        Assert.Equal("abc and 1 stay", Redactor.Redact("abc and 1 stay"));
    }

    [Fact]
    public void Redact_MasksTheLongestSecretWhole()
    {
        // "hunter2-db" is a secret and so is the whole URL it appears in (DATABASE_URL is not secret-named, so only the inner value goes).
        Assert.Equal("url postgres://shop:***@db/shop", Redactor.Redact("url postgres://shop:hunter2-db@db/shop"));
    }

    [Fact]
    public async Task Redact_BeforeTheConfigIsLoaded_ReturnsTheTextUnchanged()
    {
        var monitor = new AppsConfigMonitor(
            Microsoft.Extensions.Options.Options.Create(new Cutover.Engine.EngineOptions { AppsFile = Path.Combine(_folder, "apps.yaml") }),
            new Cutover.Engine.Events.EngineEventStream(),
            Cutover.Tests.Unit.Engine.Fakes.TestMeterFactory.Unobserved(),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AppsConfigMonitor>.Instance);
        var redactor = new SecretRedactor(monitor, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SecretRedactor>.Instance);

        Assert.Equal("hunter2-db", redactor.Redact("hunter2-db"));
        monitor.LoadInitial();
        Assert.Equal("***", redactor.Redact("hunter2-db"));
        await Task.CompletedTask;
    }

    [Fact]
    public void RedactedException_MasksMessageAndFullText()
    {
        var original = new InvalidOperationException("login as hunter2-db failed", new IOException("tok-123456 rejected"));

        var redacted = new RedactedException(original, Redactor);

        Assert.Equal("login as *** failed", redacted.Message);
        Assert.Contains("System.InvalidOperationException: login as *** failed", redacted.ToString(), StringComparison.Ordinal);
        Assert.Contains("*** rejected", redacted.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-db", redacted.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RedactEnv_MasksByNameAndByValue()
    {
        var env = Redactor.RedactEnv(new Dictionary<string, string>
        {
            ["DB_PASSWORD"] = "x",
            ["STRIPE"] = "envfile-secret-1",
            ["DATABASE_URL"] = "postgres://shop:hunter2-db@db/shop",
            ["LOG_LEVEL"] = "debug",
            ["KEYBOARD_LAYOUT"] = "us-intl",
        });

        Assert.Equal("***", env["DB_PASSWORD"]);
        Assert.Equal("***", env["STRIPE"]);
        Assert.Equal("postgres://shop:***@db/shop", env["DATABASE_URL"]);
        Assert.Equal("debug", env["LOG_LEVEL"]);
        Assert.Equal("us-intl", env["KEYBOARD_LAYOUT"]);
    }

    [Fact]
    public void RedactYaml_MasksSecretEnvValues_AndKeepsEverythingElse()
    {
        var redacted = Redactor.RedactYaml(AppsYaml);

        var expected = AppsYaml
            .Replace("hunter2-db   # keep", "\"***\"   # keep", StringComparison.Ordinal)
            .Replace("\"tok-123456\"", "\"***\"", StringComparison.Ordinal)
            .Replace("SHORT_SECRET: abc", "SHORT_SECRET: \"***\"", StringComparison.Ordinal)
            .Replace("postgres://shop:hunter2-db@db/shop", "\"postgres://shop:***@db/shop\"", StringComparison.Ordinal)
            .Replace("\"envfile-secret-1\"", "\"***\"", StringComparison.Ordinal);
        Assert.Equal(expected, redacted);
        var reparsed = AppsYamlParser.Parse(redacted, Path.Combine(_folder, "apps.yaml"));
        Assert.Equal("***", reparsed.Apps["shop"].Container.Env["DB_PASSWORD"]);
        Assert.Equal("debug", reparsed.Apps["shop"].Container.Env["LOG_LEVEL"]);
    }

    [Fact]
    public void RedactYaml_WindowsLineEndings_EditsTheRightSpans()
    {
        var crlf = AppsYaml.ReplaceLineEndings("\r\n");

        var redacted = Redactor.RedactYaml(crlf);

        Assert.Equal(Redactor.RedactYaml(AppsYaml).ReplaceLineEndings("\r\n"), redacted);
    }

    [Fact]
    public void RedactYaml_MultiLineSecret_KeepsTheLineCount()
    {
        const string yaml = """
            apps:
              shop:
                container:
                  env:
                    TLS_PRIVATE_KEY: |
                      -----BEGIN KEY-----
                      abcdef
                      -----END KEY-----
                    LOG_LEVEL: info
            """;

        var redacted = Redactor.RedactYaml(yaml);

        Assert.DoesNotContain("abcdef", redacted, StringComparison.Ordinal);
        Assert.Contains("TLS_PRIVATE_KEY: \"***\"", redacted, StringComparison.Ordinal);
        Assert.Equal(yaml.Split('\n').Length, redacted.Split('\n').Length);
        Assert.EndsWith("LOG_LEVEL: info", redacted.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void RedactYaml_NotYaml_IsRedactedByValue()
    {
        Assert.Equal("apps: [ *** ", Redactor.RedactYaml("apps: [ hunter2-db "));
    }

    [Fact]
    public async Task Redact_EnvFileEdited_PicksUpTheNewValues()
    {
        Assert.Equal("new-secret-9", Redactor.Redact("new-secret-9"));

        await File.WriteAllTextAsync(Path.Combine(_folder, "shop.env"), "STRIPE=new-secret-9\n");
        _engine.Time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal("***", Redactor.Redact("new-secret-9"));
    }

    [Fact]
    public void Redact_EnvFileMissing_StillMasksTheOtherSecrets()
    {
        File.Delete(Path.Combine(_folder, "shop.env"));

        Assert.Equal("*** envfile-secret-1", Redactor.Redact("hunter2-db envfile-secret-1"));
    }

    [Fact]
    public async Task Redact_ConfigChanged_UsesTheNewSecrets()
    {
        Assert.Equal("***", Redactor.Redact("hunter2-db"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "apps.yaml"), AppsYaml.Replace("hunter2-db", "rotated-pw", StringComparison.Ordinal));

        Assert.Empty(_engine.Get<AppsConfigMonitor>().Reload());

        Assert.Equal("hunter2-db ***", Redactor.Redact("hunter2-db rotated-pw"));
    }
}
