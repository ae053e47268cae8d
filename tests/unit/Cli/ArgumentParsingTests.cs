using System.Net;
using System.Text.Json;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary>Each verb's arguments become the request the contract (docs/api.md) describes; bad ones exit 2 and send nothing.</summary>
public sealed class ArgumentParsingTests
{
    private readonly FakeApi _api = new FakeApi()
        .OnJson("GET api/status", """{"version":"1.0.0","startedAt":"2026-11-25T09:00:00Z","appsFile":"/etc/cutover/apps.yaml","apps":2,"running":[],"lastConfigRejection":null}""")
        .OnJson("GET api/apps", Samples.Apps)
        .OnJson("GET api/apps/shop", JsonDocument.Parse(Samples.Apps).RootElement[0].GetRawText())
        .OnJson("POST api/apps/shop/deployments", Samples.Deployment(), HttpStatusCode.Accepted)
        .OnJson("POST api/apps/shop/redeploy", Samples.Deployment(), HttpStatusCode.Accepted)
        .OnJson("POST api/apps/shop/rollback", Samples.Deployment(), HttpStatusCode.Accepted)
        .OnJson("POST api/deployments/12/cancel", Samples.Deployment(status: "cancelled"))
        .OnJson("GET api/deployments", $$"""{"items":[{{Samples.Deployment()}}],"total":1,"skip":0,"take":50}""")
        .OnJson("GET api/apps/shop/deployments?status=rolled_back&skip=10&take=5", """{"items":[],"total":0,"skip":10,"take":5}""")
        .OnJson("GET api/apps/shop/health?limit=5&slot=green", """[{"at":"2026-11-25T10:00:00Z","slot":"green","healthy":false,"statusCode":500,"latencyMs":12,"error":"status 500","deploymentId":12}]""")
        .OnJson("GET api/apps/shop/logs?slot=blue&tail=20", """{"app":"shop","slot":"blue","containerId":"abc","lines":["line one","line two"]}""")
        .OnJson("GET api/stats", """[{"app":"shop","total":4,"completed":3,"rolledBack":1,"failed":0,"cancelled":0,"successRate":0.75,"medianSeconds":8.2,"p95Seconds":14}]""")
        .OnJson("GET api/apps/shop/stats", """{"app":"shop","total":4,"completed":3,"rolledBack":1,"failed":0,"cancelled":0,"successRate":0.75,"medianSeconds":8.2,"p95Seconds":14}""")
        .OnJson("GET api/audit/verify", """{"valid":true,"entries":7,"firstBrokenId":null,"problem":null}""");

    [Theory]
    [InlineData("GET api/status", "status")]
    [InlineData("GET api/apps", "apps")]
    [InlineData("GET api/apps/shop", "apps", "shop")]
    [InlineData("POST api/apps/shop/redeploy", "redeploy", "shop")]
    [InlineData("POST api/deployments/12/cancel", "cancel", "12")]
    [InlineData("GET api/deployments", "history")]
    [InlineData("GET api/apps/shop/deployments?status=rolled_back&skip=10&take=5", "history", "shop", "--status", "rolled_back", "--take", "5", "--skip", "10")]
    [InlineData("GET api/apps/shop/health?limit=5&slot=green", "health", "shop", "--limit", "5", "--slot", "green")]
    [InlineData("GET api/apps/shop/logs?slot=blue&tail=20", "logs", "shop", "--slot", "blue", "--tail", "20")]
    [InlineData("GET api/stats", "stats")]
    [InlineData("GET api/apps/shop/stats", "stats", "shop")]
    [InlineData("GET api/audit/verify", "audit", "verify")]
    public async Task Verb_SendsTheContractsRequest_AndSucceeds(string route, params string[] args)
    {
        var run = await CliRun.RunAsync(_api, args);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(route, Assert.Single(_api.Requests).Route);
    }

    [Fact]
    public async Task Deploy_SendsImageReasonMetadataAndIdempotencyKey()
    {
        var run = await CliRun.RunAsync(_api, "deploy", "shop", "shop:2", "--reason", "hotfix", "--metadata", "git_hash=abc123", "--metadata", "note=a=b", "--idempotency-key", "ci-42");

        Assert.True(run.ExitCode == 0, run.ToString());
        var request = _api.Single("POST api/apps/shop/deployments");
        var body = JsonDocument.Parse(request.Body!).RootElement;
        Assert.Equal("shop:2", body.GetProperty("image").GetString());
        Assert.Equal("hotfix", body.GetProperty("reason").GetString());
        Assert.Equal("abc123", body.GetProperty("metadata").GetProperty("git_hash").GetString());
        Assert.Equal("a=b", body.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal("ci-42", request.Headers["Idempotency-Key"]);
        Assert.Contains("deployment 12 shop deploy shop:2 -> green: queued", run.Out);
    }

    [Fact]
    public async Task RedeployAndRollback_SendTheReason()
    {
        await CliRun.RunAsync(_api, "rollback", "shop", "--reason", "bad release");

        Assert.Equal("bad release", JsonDocument.Parse(_api.Single("POST api/apps/shop/rollback").Body!).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AuditExport_SendsTheTimesAsUtcIso8601()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("cutover-cli-").FullName, "audit.csv");
        _api.On("GET api/audit?from=2026-11-01T00%3A00%3A00.0000000Z&to=2026-11-02T12%3A00%3A00.0000000Z&app=shop&format=csv", HttpStatusCode.OK, "id,at\n1,x\n", "text/csv");

        var run = await CliRun.RunAsync(_api, "audit", "export", "--format", "csv", "--out", file, "--from", "2026-11-01", "--to", "2026-11-02T14:00:00+02:00", "--app", "shop");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("id,at\n1,x\n", File.ReadAllText(file));
        Assert.False(File.Exists(file + ".partial"));
    }

    [Fact]
    public async Task Token_IsSentAsBearer_FromTheOptionOrTheEnvironment()
    {
        await CliRun.RunAsync(_api, "status", "--token", "s3cret");
        await CliRun.RunAsync(_api, new Dictionary<string, string> { ["CUTOVER_TOKEN"] = "from-env" }, false, "status");

        Assert.Equal(["Bearer s3cret", "Bearer from-env"], _api.Requests.Select(r => r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Url_ComesFromCutoverUrl_WhenNotGiven()
    {
        var seen = new List<Uri>();
        var api = new RecordingHandler(seen);

        await CliRun.RunAsync(api, new Dictionary<string, string> { ["CUTOVER_URL"] = "http://10.0.0.5:9000/cutover" }, false, "status");
        await CliRun.RunAsync(api, new Dictionary<string, string> { ["CUTOVER_URL"] = "http://10.0.0.5:9000" }, false, "status", "--url", "http://127.0.0.1:7000");

        Assert.Equal(["http://10.0.0.5:9000/cutover/api/status", "http://127.0.0.1:7000/api/status"], seen.Select(u => u.ToString()));
    }

    [Theory]
    [InlineData("Required argument missing", "deploy")]
    [InlineData("Required argument missing", "deploy", "shop")]
    [InlineData("--metadata 'novalue' is not key=value", "deploy", "shop", "shop:2", "--metadata", "novalue")]
    [InlineData("--metadata key 'a' is given twice", "deploy", "shop", "shop:2", "--metadata", "a=1", "--metadata", "a=2")]
    [InlineData("--timeout must be at least 1, not 0", "deploy", "shop", "shop:2", "--wait", "--timeout", "0")]
    [InlineData("--timeout 'abc' is not a whole number", "deploy", "shop", "shop:2", "--timeout", "abc")]
    [InlineData("--idempotency-key must be 1 to 200 characters", "deploy", "shop", "shop:2", "--idempotency-key", "")]
    [InlineData("Unrecognized command or argument 'extra'", "redeploy", "shop", "extra")]
    [InlineData("Required argument missing", "rollback")]
    [InlineData("abc", "cancel", "abc")]
    [InlineData("'bogus' not recognized", "history", "--status", "bogus")]
    [InlineData("--take must be between 1 and 200, not 0", "history", "--take", "0")]
    [InlineData("--take must be between 1 and 200, not 201", "history", "--take", "201")]
    [InlineData("--skip must be at least 0, not -1", "history", "--skip", "-1")]
    [InlineData("'red' not recognized", "health", "shop", "--slot", "red")]
    [InlineData("--limit must be at least 1, not 0", "health", "shop", "--limit", "0")]
    [InlineData("Required argument missing", "logs")]
    [InlineData("--tail must be at least 1, not 0", "logs", "shop", "--tail", "0")]
    [InlineData("Unrecognized command or argument 'b'", "apps", "a", "b")]
    [InlineData("Required command was not provided", "audit")]
    [InlineData("Option '--format' is required", "audit", "export", "--out", "x.csv")]
    [InlineData("'xml' not recognized", "audit", "export", "--format", "xml", "--out", "x.csv")]
    [InlineData("Option '--out' is required", "audit", "export", "--format", "csv")]
    [InlineData("--from 'yesterday' is not a time", "audit", "export", "--format", "csv", "--out", "x.csv", "--from", "yesterday")]
    [InlineData("--to must be after --from", "audit", "export", "--format", "csv", "--out", "x.csv", "--from", "2026-11-02", "--to", "2026-11-01")]
    [InlineData("Required argument missing", "config", "validate")]
    [InlineData("Required command was not provided", "config")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    [InlineData("--url 'ftp://example.com' is not an http:// or https:// address", "status", "--url", "ftp://example.com")]
    [InlineData("Unrecognized option '--nope'", "watch", "--nope")]
    [InlineData("--follow prints the container's lines as they come; it has no --json form", "logs", "shop", "-f", "--json")]
    public async Task BadArguments_ExitTwo_WithAClearMessage_AndSendNothing(string message, params string[] args)
    {
        var run = await CliRun.RunAsync(_api, args);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Error);
        Assert.Contains("--help' for usage", run.Error);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task BadCutoverUrl_IsAUsageError()
    {
        var run = await CliRun.RunAsync(_api, new Dictionary<string, string> { ["CUTOVER_URL"] = "not a url" }, false, "status");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("CUTOVER_URL 'not a url'", run.Error);
    }

    [Fact]
    public async Task Help_ListsEveryVerb_AndTheExitCodes()
    {
        var run = await CliRun.RunAsync(_api, "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var verb in new[] { "status", "apps", "deploy", "redeploy", "rollback", "cancel", "history", "health", "logs", "stats", "audit", "config", "watch" })
        {
            Assert.Contains($"  {verb} ", run.Out);
        }

        Assert.Contains("5  --wait reached --timeout", run.Out);
    }

    [Theory]
    [InlineData(true, "deploy", "shop", "img")]
    [InlineData(true, "status")]
    [InlineData(true, "audit", "verify")]
    [InlineData(true, "--help")]
    [InlineData(true, "--version")]
    [InlineData(true, "--url", "http://127.0.0.1:5190", "history", "shop")]
    [InlineData(true, "--url=http://127.0.0.1:5190", "status")]
    [InlineData(true, "--json", "apps")]
    [InlineData(true, "deployments", "shop")]
    [InlineData(false)]
    [InlineData(false, "Cutover:AppsFile=/etc/apps.yaml")]
    [InlineData(false, "--urls", "http://0.0.0.0:5080")]
    [InlineData(false, "--Cutover:AppsFile=/etc/apps.yaml")]
    [InlineData(false, "--environment", "Production")]
    public void Handles_VerbsTheClisOwnOptionsAndMistypedVerbs_LeavesHostArgumentsToTheHost(bool expected, params string[] args) =>
        Assert.Equal(expected, CliApp.Handles(args));

    private sealed class RecordingHandler(List<Uri> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"version":"1"}""") });
        }
    }
}
