using System.Net;
using System.Net.Http.Headers;
using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

/// <summary>How the host's answers become exit codes, with the problem's title and detail on stderr and never a stack trace.</summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData(HttpStatusCode.NotFound, "Unknown application", "There is no application named 'nope' in apps.yaml.", ExitCodes.Refused)]
    [InlineData(HttpStatusCode.Conflict, "Deployment under way", "shop is already deploying.", ExitCodes.Refused)]
    [InlineData(HttpStatusCode.BadRequest, "Bad request", "'Shop:::' is not a valid image reference.", ExitCodes.Refused)]
    [InlineData(HttpStatusCode.Unauthorized, "Unauthorized", "A bearer token is required.", ExitCodes.Refused)]
    [InlineData(HttpStatusCode.UnprocessableEntity, "Idempotency key reused", "Key ci-1 was used for shop:1.", ExitCodes.Refused)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Container runtime unavailable", "Docker does not answer.", ExitCodes.NotSucceeded)]
    public async Task Problem_MapsToItsExitCode_AndPrintsTitleAndDetail(HttpStatusCode status, string title, string detail, int expected)
    {
        var api = new FakeApi().OnProblem("POST api/apps/nope/deployments", status, title, detail);

        var run = await CliRun.RunAsync(api, "deploy", "nope", "shop:2");

        Assert.True(run.ExitCode == expected, run.ToString());
        Assert.Contains($"error: {title}", run.Error);
        Assert.Contains(detail, run.Error);
        Assert.DoesNotContain(" at Cutover.", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task RateLimited_SaysWhenToRetry()
    {
        var api = new FakeApi().On(
            "POST api/apps/shop/rollback",
            HttpStatusCode.TooManyRequests,
            """{"title":"Too many requests","detail":"30 per minute."}""",
            "application/problem+json",
            response => response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(12)));

        var run = await CliRun.RunAsync(api, "rollback", "shop");

        Assert.Equal(ExitCodes.Refused, run.ExitCode);
        Assert.Contains("Retry in 12 s", run.Error);
    }

    [Fact]
    public async Task RateLimited_ByAHostWhoseDetailSaysWhenToRetry_SaysItOnce()
    {
        var api = new FakeApi().On(
            "POST api/apps/shop/rollback",
            HttpStatusCode.TooManyRequests,
            """{"title":"Too many requests","detail":"At most 30 changes a minute per requester (Cutover:Api:MutationsPerMinute); retry in 60 s."}""",
            "application/problem+json",
            response => response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(60)));

        var run = await CliRun.RunAsync(api, "rollback", "shop");

        Assert.Equal(ExitCodes.Refused, run.ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Error, "retry in 60 s", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task Conflict_NamesTheDeploymentUnderWay()
    {
        var api = new FakeApi().On(
            "POST api/apps/shop/deployments",
            HttpStatusCode.Conflict,
            """{"title":"Deployment under way","detail":"shop is deploying.","runningDeployment":"/api/deployments/7"}""",
            "application/problem+json");

        var run = await CliRun.RunAsync(api, "deploy", "shop", "shop:3");

        Assert.Equal(ExitCodes.Refused, run.ExitCode);
        Assert.Contains("/api/deployments/7", run.Error);
    }

    [Fact]
    public async Task NoHost_ExitsThree_SayingWhereItLooked()
    {
        var run = await CliRun.RunAsync(new UnreachableHost(), "apps", "--url", "http://127.0.0.1:5999");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains("Cannot reach the Cutover host at http://127.0.0.1:5999/", run.Error);
        Assert.Contains("Connection refused", run.Error);
    }

    [Fact]
    public async Task ErrorWithoutProblemBody_ShowsTheStatus()
    {
        var api = new FakeApi().On("GET api/status", HttpStatusCode.BadGateway, "", "text/plain");

        var run = await CliRun.RunAsync(api, "status");

        Assert.Equal(ExitCodes.NotSucceeded, run.ExitCode);
        Assert.Contains("502", run.Error);
    }

    [Fact]
    public async Task AnswerThatIsNotTheContractsJson_IsReportedPlainly()
    {
        var api = new FakeApi().On("GET api/apps", HttpStatusCode.OK, "<html>a login page</html>", "text/html");

        var run = await CliRun.RunAsync(api, "apps");

        Assert.Equal(ExitCodes.NotSucceeded, run.ExitCode);
        Assert.Contains("Unexpected answer", run.Error);
    }

    [Theory]
    [InlineData(true, ExitCodes.Success)]
    [InlineData(false, ExitCodes.NotSucceeded)]
    public async Task AuditVerify_ExitsOne_OnABrokenChain(bool valid, int expected)
    {
        var api = new FakeApi().OnJson("GET api/audit/verify", $$"""{"valid":{{(valid ? "true" : "false")}},"entries":9,"firstBrokenId":{{(valid ? "null" : "4")}},"problem":{{(valid ? "null" : "\"entry 4 was edited\"")}}}""");

        var run = await CliRun.RunAsync(api, "audit", "verify");

        Assert.Equal(expected, run.ExitCode);
        Assert.Contains(valid ? "intact: 9 entries" : "BROKEN at entry 4: entry 4 was edited", run.Out);
    }

    [Fact]
    public async Task MissingRoute_SaysTheHostIsOlderThanTheCli()
    {
        var api = new FakeApi().On("GET api/audit/verify", HttpStatusCode.NotFound, """{"title":"Not Found","status":404}""", "application/problem+json");

        var run = await CliRun.RunAsync(api, "audit", "verify");

        Assert.Equal(ExitCodes.Refused, run.ExitCode);
        Assert.Contains("GET /api/audit/verify is not served by this host", run.Error);
    }
}
