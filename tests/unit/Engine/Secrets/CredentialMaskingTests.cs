using Cutover.Engine.Audit;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Tests.Unit.Engine.Secrets;

/// <summary>Secrets that no secret-looking name gives away: passwords in URLs, names an app lists, and what Docker quotes back.</summary>
public sealed class CredentialMaskingTests : IAsyncLifetime
{
    private const string AppsYaml = """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            container:
              env:
                BROKER: amqp://shop:rabbit-pw-77@mq:5672/vhost
                LICENSE: lic-0042-xyz
                SIGNING_PASSPHRASE: open-sesame-1
                LOG_LEVEL: debug
              secrets: [LICENSE]
        """;

    private EngineHarness _engine = null!;

    private SecretRedactor Redactor => _engine.Get<SecretRedactor>();

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync(AppsYaml);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Theory]
    [InlineData("amqp://shop:rabbit-pw-77@mq:5672/vhost", "amqp://shop:***@mq:5672/vhost")]
    [InlineData("dial postgres://app:Zx9!w@db.internal/shop failed", "dial postgres://app:***@db.internal/shop failed")]
    [InlineData("redis://:s3cr3t@cache:6379/0", "redis://:***@cache:6379/0")]
    [InlineData("mongodb+srv://admin:p%40ss@cluster0/x", "mongodb+srv://admin:***@cluster0/x")]
    [InlineData("https://example.com:8443/a@b", "https://example.com:8443/a@b")]
    [InlineData("git clone https://oauth2@gitlab.example/x.git", "git clone https://oauth2@gitlab.example/x.git")]
    [InlineData("time 12:30 at noon", "time 12:30 at noon")]
    public void Redact_UrlWithAPassword_MasksOnlyThePassword(string text, string expected) =>
        Assert.Equal(expected, Redactor.Redact(text));

    [Fact]
    public void Redact_APasswordFromAUrlInEnv_IsMaskedWhereItIsQuotedAlone()
    {
        Assert.Equal("ACCESS_REFUSED for user shop with password ***", Redactor.Redact("ACCESS_REFUSED for user shop with password rabbit-pw-77"));
    }

    [Fact]
    public void Redact_NamesListedUnderContainerSecrets_AndPassphrases_AreMasked()
    {
        Assert.Equal("license *** / key ***", Redactor.Redact("license lic-0042-xyz / key open-sesame-1"));

        var env = Redactor.RedactEnv(new Dictionary<string, string> { ["LICENSE"] = "abc", ["BROKER"] = "amqp://shop:rabbit-pw-77@mq", ["LOG_LEVEL"] = "debug" });
        Assert.Equal("***", env["LICENSE"]);
        Assert.Equal("amqp://shop:***@mq", env["BROKER"]);
        Assert.Equal("debug", env["LOG_LEVEL"]);

        var yaml = Redactor.RedactYaml(AppsYaml);
        Assert.DoesNotContain("lic-0042-xyz", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("open-sesame-1", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("rabbit-pw-77", yaml, StringComparison.Ordinal);
        Assert.Contains("secrets: [LICENSE]", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentStore_RedactsDockerErrorsAndStepsBeforeStoringThem()
    {
        var view = await _engine.Deployments.CreateAsync(
            new DeploymentRecord { App = "shop", Image = "demo:v2", Slot = Slot.Green, PreviousSlot = Slot.Blue, RequestedBy = "test", Reason = "rotate lic-0042-xyz" },
            CancellationToken.None);
        const string dockerError = "Docker: container exited (1); last output: panic: dial amqp://shop:rabbit-pw-77@mq:5672: auth with open-sesame-1 refused";

        await _engine.Deployments.TransitionAsync(view.Id, DeploymentStatus.Failed, dockerError, CancellationToken.None, dockerError);

        await using var db = await _engine.Get<IDbContextFactory<CutoverDbContext>>().CreateDbContextAsync();
        var stored = await db.Deployments.AsNoTracking().Include(d => d.Steps).SingleAsync(d => d.Id == view.Id);
        var texts = stored.Steps.Select(s => s.Message).Append(stored.Error).Append(stored.Reason).OfType<string>().ToArray();
        Assert.All(texts, t => Assert.DoesNotContain("rabbit-pw-77", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("open-sesame-1", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("lic-0042-xyz", t, StringComparison.Ordinal));
        Assert.Equal("Docker: container exited (1); last output: panic: dial amqp://shop:***@mq:5672: auth with *** refused", stored.Error);
    }

    [Fact]
    public async Task AuditLog_StoresAndHashesADetailWithAUrlPasswordMasked()
    {
        var entry = await _engine.Get<AuditLog>().AppendAsync(
            "engine", "deployment.failed", "failed", "shop", "pull failed: https://ci:ghp-unlisted-42@registry.example/v2/", CancellationToken.None);

        Assert.Equal("pull failed: https://ci:***@registry.example/v2/", entry.Detail);
        Assert.True((await _engine.Get<AuditChainVerifier>().VerifyAsync(CancellationToken.None)).Valid);
    }
}
