using System.Net;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary>What each verb prints for people, and that --json prints the API's answer untouched.</summary>
public sealed class RenderingTests
{
    [Fact]
    public async Task Apps_IsATableOfEveryApp()
    {
        var run = await CliRun.RunAsync(new FakeApi().OnJson("GET api/apps", Samples.Apps), "apps");

        Assert.Equal(
            """
            APP       ACTIVE  IMAGE   HEALTH   REQUESTS  SOCKETS  LISTEN          DEPLOYING
            shop      blue    shop:1  healthy  3         1        127.0.0.1:8080  -
            blog-api  -       -       unknown  0         0        127.0.0.1:8081  4

            """.ReplaceLineEndings("\n"),
            run.Out);
    }

    [Fact]
    public async Task AppsOne_ShowsBothSlots()
    {
        var one = System.Text.Json.JsonDocument.Parse(Samples.Apps).RootElement[0].GetRawText();

        var run = await CliRun.RunAsync(new FakeApi().OnJson("GET api/apps/shop", one), "apps", "shop");

        Assert.Contains("shop: healthy, serving shop:1 from blue on 127.0.0.1:8080", run.Out);
        Assert.Contains("blue   9001  yes     yes      healthy  shop:1  0123456789ab  ok 200 in 4 ms at 2026-11-25 10:00:00Z  3         1", run.Out);
        Assert.Contains("green  9002  no      no       unknown  -       -", run.Out);
    }

    [Fact]
    public async Task AppsOne_ShowsEachSlotsTraffic_InOneLine()
    {
        var one = System.Text.Json.JsonDocument.Parse(Samples.Apps).RootElement[0].GetRawText().Replace(
            "\"inFlight\":{\"requests\":3,\"sockets\":1}}",
            "\"inFlight\":{\"requests\":3,\"sockets\":1},\"traffic\":{\"requests\":1234,\"byClass\":{\"1xx\":1,\"2xx\":1200,\"3xx\":0,\"4xx\":30,\"5xx\":3},\"proxyErrors\":{\"502\":2,\"503\":0,\"504\":1,\"other\":0},\"aborted\":0,\"lastMinute\":{\"requests\":600,\"p50Ms\":1.24,\"p95Ms\":4.5,\"p99Ms\":9.81},\"bytesIn\":12288,\"bytesOut\":4718592}}");

        var run = await CliRun.RunAsync(new FakeApi().OnJson("GET api/apps/shop", one), "apps", "shop");

        Assert.Contains(
            "blue traffic: 1,234 requests (1xx 1, 2xx 1,200, 4xx 30, 5xx 3; proxy errors: 502 x2, 504 x1), last minute p50/p95/p99 1.2/4.5/9.8 ms, 12.0 KB in, 4.5 MB out",
            run.Out);
        Assert.DoesNotContain("green traffic", run.Out);
    }

    [Fact]
    public void TrafficLine_SaysOneRequest_NotRequests()
    {
        var line = Cutover.Web.Cli.Verbs.AppsVerb.TrafficLine(new Cutover.Web.Cli.Api.Models.SlotTraffic(1, new(0, 1, 0, 0, 0), new(0, 0, 0, 0), 0, null, 0, 5));

        Assert.Equal("1 request (2xx 1), 0 B in, 5 B out", line);
    }

    [Fact]
    public async Task History_IsATable_WithWhereThePageIs()
    {
        var api = new FakeApi().OnJson("GET api/deployments?skip=1&take=1", $$"""{"items":[{{Samples.Deployment(status: "rolled_back", finishedAt: "2026-11-25T10:01:05Z")}}],"total":3,"skip":1,"take":1}""");

        var run = await CliRun.RunAsync(api, "history", "--take", "1", "--skip", "1");

        var lines = run.Out.Split('\n');
        Assert.StartsWith("ID  APP   KIND    IMAGE   SLOT   STATUS       STARTED               TOOK   BY     REASON", lines[0]);
        Assert.StartsWith("12  shop  deploy  shop:2  green  rolled_back  2026-11-25 10:00:00Z  1m05s  local  -", lines[1]);
        Assert.Equal("2-2 of 3", lines[2]);
    }

    [Fact]
    public async Task History_ReadsTheBareArrayOfOlderHosts()
    {
        var run = await CliRun.RunAsync(new FakeApi().OnJson("GET api/deployments", $"[{Samples.Deployment()}]"), "history");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1-1 of 1", run.Out);
    }

    [Fact]
    public async Task Health_ShowsFailuresPlainly()
    {
        var api = new FakeApi().OnJson("GET api/apps/shop/health", """[{"at":"2026-11-25T10:00:00Z","slot":"green","healthy":false,"statusCode":500,"latencyMs":12.4,"error":"status 500","deploymentId":12}]""");

        var run = await CliRun.RunAsync(api, "health", "shop");

        Assert.Contains("2026-11-25 10:00:00Z  green  FAIL    500     12 ms    12          status 500", run.Out);
    }

    [Fact]
    public async Task Logs_PrintsTheLinesAsWritten()
    {
        var api = new FakeApi().OnJson("GET api/apps/shop/logs", """{"app":"shop","slot":"blue","containerId":"abc","lines":["listening on :8080","GET / 200"]}""");

        var run = await CliRun.RunAsync(api, "logs", "shop");

        Assert.Equal("listening on :8080\nGET / 200\n", run.Out);
    }

    [Fact]
    public async Task Stats_ShowsRatesAndDurations()
    {
        var api = new FakeApi().OnJson("GET api/stats", """[{"app":"shop","total":4,"completed":3,"rolledBack":1,"failed":0,"cancelled":0,"successRate":0.75,"medianSeconds":8.2,"p95Seconds":14}]""");

        var run = await CliRun.RunAsync(api, "stats");

        Assert.Contains("shop  4      3          1            0       0          75%      8.2 s   14.0 s", run.Out);
    }

    [Fact]
    public async Task Status_ShowsARefusedConfigEdit()
    {
        var api = new FakeApi().OnJson("GET api/status", """
            {"version":"1.2.0","startedAt":"2026-11-25T09:00:00Z","appsFile":"/etc/apps.yaml","apps":["shop"],"running":[],
             "lastConfigRejection":{"at":"2026-11-25T09:30:00Z","problems":[{"file":"/etc/apps.yaml","line":4,"column":12,"fieldPath":"apps.shop.listen","message":"is not an address"}]}}
            """);

        var run = await CliRun.RunAsync(api, "status");

        Assert.Contains("cutover 1.2.0 at http://127.0.0.1:5080/", run.Out);
        Assert.Contains("apps: 1 (shop)", run.Out);
        Assert.Contains("  /etc/apps.yaml:4:12: apps.shop.listen: is not an address", run.Out);
    }

    [Fact]
    public async Task Status_WithLiveRestoreOff_SaysSo_AndWarnsWhatToDo()
    {
        var api = new FakeApi().OnJson("GET api/status", """
            {"version":"1.2.0","startedAt":"2026-11-25T09:00:00Z","appsFile":"/etc/apps.yaml","apps":1,"running":[],"lastConfigRejection":null,
             "docker":{"liveRestore":false,"warning":"Docker live-restore is off: restarting dockerd (a Docker package upgrade does) stops every app container; turn it on: see docs/operations.md"}}
            """);

        var run = await CliRun.RunAsync(api, "status");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("docker live-restore: off\n", run.Out);
        Assert.Contains("warning: Docker live-restore is off: restarting dockerd (a Docker package upgrade does) stops every app container; turn it on: see docs/operations.md\n", run.Out);
    }

    [Fact]
    public async Task Status_WithLiveRestoreOn_SaysOn_WithoutAWarning()
    {
        var api = new FakeApi().OnJson("GET api/status", """
            {"version":"1.2.0","startedAt":"2026-11-25T09:00:00Z","appsFile":"/etc/apps.yaml","apps":1,"running":[],"docker":{"liveRestore":true,"warning":null}}
            """);

        var run = await CliRun.RunAsync(api, "status");

        Assert.Contains("docker live-restore: on\n", run.Out);
        Assert.DoesNotContain("warning", run.Out);
    }

    [Theory]
    [InlineData("GET api/apps", "apps")]
    [InlineData("GET api/status", "status")]
    [InlineData("GET api/deployments", "history")]
    public async Task Json_PrintsTheApisAnswerAsIs(string route, string verb)
    {
        const string body = """{"anything":"the host sent","items":[],"total":0,"skip":0,"take":50,"running":[]}""";
        var api = new FakeApi().On(route, HttpStatusCode.OK, route == "GET api/apps" ? "[]" : body);

        var run = await CliRun.RunAsync(api, verb, "--json");

        Assert.Equal((route == "GET api/apps" ? "[]" : body) + "\n", run.Out);
    }
}
