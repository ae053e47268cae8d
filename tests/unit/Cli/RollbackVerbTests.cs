using System.Net;
using System.Text.Json;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary><c>cutover rollback APP [--to IMAGE|ID]</c>: says where it goes, then sends the rollback pinned to that release.</summary>
public sealed class RollbackVerbTests
{
    private static readonly string Plan = """
        {"app":"shop","serving":"shop:2","target":{"image":"shop:1","deploymentId":3,"completedAt":"2026-11-25T09:30:00Z"},
         "releases":[{"image":"shop:1","deploymentId":3,"completedAt":"2026-11-25T09:30:00Z"}]}
        """;

    [Fact]
    public async Task Rollback_SaysWhichImageItGoesTo_ThenSendsTheRollbackPinnedToThatRelease()
    {
        var api = new FakeApi()
            .OnJson("GET api/apps/shop/rollback", Plan)
            .OnJson("POST api/apps/shop/rollback", Samples.Deployment(image: "shop:1"), HttpStatusCode.Accepted);

        var run = await CliRun.RunAsync(api, "rollback", "shop");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["GET api/apps/shop/rollback", "POST api/apps/shop/rollback"], api.Requests.Select(r => r.Route));
        Assert.StartsWith("Rolling back shop to shop:1 (from deployment 3, completed 2026-11-25 09:30:00Z)\n", run.Out);
        Assert.Equal(3, Body(api).GetProperty("to").GetInt64());
    }

    [Theory]
    [InlineData("12", "GET api/apps/shop/rollback?to=12")]
    [InlineData("registry.example.com:5000/shop:1", "GET api/apps/shop/rollback?to=registry.example.com%3A5000%2Fshop%3A1")]
    public async Task To_IsAskedAbout_ThenTheReleaseItNamesIsSent(string to, string preview)
    {
        var api = new FakeApi()
            .OnJson(preview, Plan)
            .OnJson("POST api/apps/shop/rollback", Samples.Deployment(image: "shop:1"), HttpStatusCode.Accepted);

        var run = await CliRun.RunAsync(api, "rollback", "shop", "--to", to, "--reason", "bad release");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([preview, "POST api/apps/shop/rollback"], api.Requests.Select(r => r.Route));
        Assert.Equal((3, "bad release"), (Body(api).GetProperty("to").GetInt64(), Body(api).GetProperty("reason").GetString()));
    }

    [Theory]
    [InlineData("12", JsonValueKind.Number, "12")]
    [InlineData("shop:1", JsonValueKind.String, "shop:1")]
    public async Task To_TheHostRefusesToPlan_IsSentAsGiven_SoTheHostRefusesAndAuditsTheRollbackItself(string to, JsonValueKind kind, string sent)
    {
        var api = new FakeApi()
            .OnProblem($"GET api/apps/shop/rollback?to={Uri.EscapeDataString(to)}", HttpStatusCode.Conflict, "Cannot roll back there", "Deployment 12 of shop never completed")
            .OnProblem("POST api/apps/shop/rollback", HttpStatusCode.Conflict, "Cannot roll back there", "Deployment 12 of shop never completed");

        var run = await CliRun.RunAsync(api, "rollback", "shop", "--to", to);

        Assert.True(run.ExitCode == ExitCodes.Refused, run.ToString());
        Assert.Contains("Deployment 12 of shop never completed", run.Error);
        Assert.DoesNotContain("Rolling back", run.Out);
        var body = Body(api).GetProperty("to");
        Assert.Equal((kind, sent), (body.ValueKind, body.ToString()));
    }

    [Fact]
    public async Task To_WithAHostOlderThanIt_IsNotSent_ForTheHostWouldIgnoreIt()
    {
        var api = new FakeApi()
            .On("GET api/apps/shop/rollback?to=shop%3A1", HttpStatusCode.MethodNotAllowed, "")
            .OnJson("POST api/apps/shop/rollback", Samples.Deployment(image: "shop:1"), HttpStatusCode.Accepted);

        var run = await CliRun.RunAsync(api, "rollback", "shop", "--to", "shop:1");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("older than --to", run.Error);
        Assert.DoesNotContain(api.Requests, r => r.Route.StartsWith("POST", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--to 'Not An Image' is neither a deployment id nor a valid image reference", "Not An Image")]
    [InlineData("--to 0: a deployment id is 1 or more", "0")]
    [InlineData("--to '' is neither a deployment id nor a valid image reference", "")]
    public async Task BadTo_ExitsTwo_AndSendsNothing(string message, string to)
    {
        var api = new FakeApi();

        var run = await CliRun.RunAsync(api, "rollback", "shop", "--to", to);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Error);
        Assert.Empty(api.Requests);
    }

    private static JsonElement Body(FakeApi api) => JsonDocument.Parse(api.Single("POST api/apps/shop/rollback").Body!).RootElement;
}
