using Cutover.Engine.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class NotificationOptionsValidatorTests
{
    [Fact]
    public void Validate_GoodWebhooks_Pass()
    {
        var failures = Failures(new()
        {
            ["Cutover:Notifications:Webhooks:0:Url"] = "https://hooks.example.com/cutover",
            ["Cutover:Notifications:Webhooks:0:Secret"] = "s3cret-s3cret",
            ["Cutover:Notifications:Webhooks:1:Url"] = "https://ntfy.sh/ops",
            ["Cutover:Notifications:Webhooks:1:Format"] = "ntfy",
            ["Cutover:Notifications:Webhooks:1:Events:0"] = "deployment.failed",
            ["Cutover:Notifications:Webhooks:1:Events:1"] = "app.unhealthy, deployment.rolled_back",
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void Validate_BadUrlUnknownFormatAndUnknownEvent_NameTheirKeysOnOneLineEach()
    {
        var failures = Failures(new()
        {
            ["Cutover:Notifications:Webhooks:0:Url"] = "ftp://user:hunter2hunter2@example.com/x?token=abc",
            ["Cutover:Notifications:Webhooks:1:Url"] = "https://hooks.example.com/x",
            ["Cutover:Notifications:Webhooks:1:Format"] = "teams",
            ["Cutover:Notifications:Webhooks:1:Events:0"] = "deployment.done",
            ["Cutover:Notifications:Webhooks:2:Url"] = "",
        });

        Assert.Equal(4, failures.Count);
        Assert.Equal("Cutover:Notifications:Webhooks:0:Url 'ftp://user:***@example.com/x?***' is not an absolute http:// or https:// URL.", failures[0]);
        Assert.Equal("Cutover:Notifications:Webhooks:1:Format 'teams' is unknown: use json, slack or ntfy.", failures[1]);
        Assert.StartsWith("Cutover:Notifications:Webhooks:1:Events 'deployment.done' is not an event: use deployment.started, deployment.paused,", failures[2]);
        Assert.StartsWith("Cutover:Notifications:Webhooks:2:Url is empty", failures[3]);
        Assert.All(failures, f => Assert.DoesNotContain("hunter2", f));
        Assert.All(failures, f => Assert.DoesNotContain('\n', f));
    }

    [Fact]
    public void Validate_UnhealthyThresholdOutOfRange_NamesItsKeys()
    {
        var failures = Failures(new()
        {
            ["Cutover:Notifications:UnhealthyAfterChecks"] = "0",
            ["Cutover:Notifications:UnhealthyAfter"] = "02:00:00",
        });

        Assert.Equal(
            ["Cutover:Notifications:UnhealthyAfterChecks 0 must be between 1 and 100.", "Cutover:Notifications:UnhealthyAfter 02:00:00 must be between 00:00:00 and 01:00:00."],
            failures);
    }

    [Fact]
    public void Options_AreValidatedWhenTheEngineIsComposed()
    {
        using var services = Compose(new() { ["Cutover:Notifications:Webhooks:0:Url"] = "not a url" });

        var refusal = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<NotificationOptions>>().Value);
        Assert.Contains("Cutover:Notifications:Webhooks:0:Url 'not a url' is not an absolute http:// or https:// URL.", refusal.Failures);
    }

    private static List<string> Failures(Dictionary<string, string?> settings)
    {
        using var services = Compose(settings);
        try
        {
            _ = services.GetRequiredService<IOptions<NotificationOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }

    private static ServiceProvider Compose(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddCutoverEngine()
            .BuildServiceProvider();
}
