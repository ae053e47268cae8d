using System.Net;
using System.Text.Json;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary><c>cutover maintenance on|off APP</c>: what is sent, what is printed, and what is refused before sending.</summary>
public sealed class MaintenanceVerbTests
{
    private const string On = """
        {"app":"shop","on":true,"maintenance":{"message":"Back at 14:00","retryAfterSeconds":300,"since":"2026-12-01T21:00:00Z","by":"local"},
         "changed":true,"detail":"shop is in maintenance: new requests answered 503; message \"Back at 14:00\", Retry-After 300s."}
        """;

    private const string NotOn = """{"app":"shop","on":false,"maintenance":null,"changed":false,"detail":"shop is not in maintenance; nothing changed."}""";

    [Fact]
    public async Task On_SendsTheMessageAndRetryAfterAsWritten_AndPrintsWhatChanged()
    {
        var api = new FakeApi().OnJson("POST api/apps/shop/maintenance", On);

        var run = await CliRun.RunAsync(api, "maintenance", "on", "shop", "--message", "Back at 14:00", "--retry-after", "5m");

        Assert.True(run.ExitCode == 0, run.ToString());
        var body = JsonDocument.Parse(api.Single("POST api/apps/shop/maintenance").Body!).RootElement;
        Assert.Equal(("Back at 14:00", "5m"), (body.GetProperty("message").GetString(), body.GetProperty("retry_after").GetString()));
        Assert.Equal("shop is in maintenance: new requests answered 503; message \"Back at 14:00\", Retry-After 300s.\n", run.Out);
    }

    [Fact]
    public async Task On_WithoutOptions_SendsAnEmptyNotice()
    {
        var api = new FakeApi().OnJson("POST api/apps/shop/maintenance", On);

        var run = await CliRun.RunAsync(api, "maintenance", "on", "shop");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("{}", api.Single("POST api/apps/shop/maintenance").Body);
    }

    [Fact]
    public async Task Off_WhenNotOn_SaysSo_AndExitsZero()
    {
        var api = new FakeApi().OnJson("DELETE api/apps/shop/maintenance", NotOn);

        var run = await CliRun.RunAsync(api, "maintenance", "off", "shop");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("shop is not in maintenance; nothing changed.\n", run.Out);
    }

    [Fact]
    public async Task OffJson_PrintsTheHostsAnswer()
    {
        var api = new FakeApi().OnJson("DELETE api/apps/shop/maintenance", NotOn);

        var run = await CliRun.RunAsync(api, "--json", "maintenance", "off", "shop");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(JsonDocument.Parse(run.Out).RootElement.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task On_AnUnknownApp_ExitsFour_WithTheProblem()
    {
        var api = new FakeApi().OnProblem("POST api/apps/nope/maintenance", HttpStatusCode.NotFound, "Unknown application", "There is no application named 'nope' in apps.yaml.");

        var run = await CliRun.RunAsync(api, "maintenance", "on", "nope");

        Assert.True(run.ExitCode == ExitCodes.Refused, run.ToString());
        Assert.Contains("There is no application named 'nope'", run.Error);
    }

    [Theory]
    [InlineData("--retry-after", "2 days", "--retry-after '2 days' must be a duration")]
    [InlineData("--retry-after", "25h", "from 1 s to 24 h")]
    [InlineData("--message", "\u0007", "control character")]
    public async Task On_WithABadOption_IsAUsageError_AndSendsNothing(string option, string value, string why)
    {
        var api = new FakeApi();

        var run = await CliRun.RunAsync(api, "maintenance", "on", "shop", option, value);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(why, run.Error);
        Assert.Empty(api.Requests);
    }
}
