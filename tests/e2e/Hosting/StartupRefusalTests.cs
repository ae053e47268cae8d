using System.Net;
using System.Net.Sockets;
using Cutover.Tests.E2E.Engine;
using Cutover.Web.Access;

namespace Cutover.Tests.E2E.Hosting;

/// <summary>
/// The real host refusing to start: exit 1 within seconds and one line on stderr naming the problem, never a stack
/// trace (it used to exit 134 with an unhandled exception, or an AggregateException for the bind check).
/// </summary>
/// <remarks>Docker is pointed at a socket that does not exist: a refusal must not depend on it, and nothing is created.</remarks>
public sealed class StartupRefusalTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);
    private const string NoDocker = "--Cutover:Docker=unix:///nonexistent/cutover-e2e.sock";

    [Fact]
    public async Task AdminPortInUse_ExitsOne_WithOneLineNamingTheAddressAndTheSetting()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-port", DemoImages.V1).ToString());
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, host.AdminPort));
        squatter.Listen();

        var exitCode = await host.RunUntilExitAsync(ExitBound, NoDocker);

        AssertRefused(host, exitCode, $"cutover: cannot start: 127.0.0.1:{host.AdminPort} is already in use (Cutover:AdminUrl); stop what listens there or choose another port");
    }

    [Fact]
    public async Task InvalidAppsYaml_ExitsOne_WithOneLineGivingFileLineAndColumn()
    {
        var app = AppsYaml.Fresh("e2e-refuse-yaml", DemoImages.V1) with { Pull = "sometimes" };
        await using var host = await HostProcess.CreateAsync(app.ToString());

        var exitCode = await host.RunUntilExitAsync(ExitBound, NoDocker);

        AssertRefused(host, exitCode, $"cutover: cannot start: {host.AppsFile}:4:11: apps.e2e-refuse-yaml.pull: 'sometimes' is not a pull policy");
    }

    [Fact]
    public async Task InvalidOption_ExitsOne_WithOneLineNamingTheKey()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-option", DemoImages.V1).ToString());

        var exitCode = await host.RunUntilExitAsync(ExitBound, NoDocker, "--Cutover:StopTimeout=01:00:00");

        AssertRefused(host, exitCode, "cutover: cannot start: Cutover:StopTimeout: The field StopTimeout must be between 00:00:01 and 00:10:00.");
    }

    [Fact]
    public async Task BindBeyondLoopbackWithoutTokens_ExitsOne_WithOneLineSayingWhatToConfigure()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-bind", DemoImages.V1).ToString());

        // A console user is configured, so that the missing API token is the one problem.
        var exitCode = await host.RunUntilExitAsync(
            ExitBound,
            NoDocker,
            $"--Cutover:AdminUrl=http://0.0.0.0:{host.AdminPort}",
            "--Cutover:Console:Users:0:Name=ops",
            $"--Cutover:Console:Users:0:PasswordHash={ConsolePasswords.Hash("e2e-refusal-password")}");

        AssertRefused(host, exitCode, $"cutover: cannot start: Cutover:AdminUrl http://0.0.0.0:{host.AdminPort} is reachable beyond this machine, and Cutover:Api:Tokens is empty");
    }

    [Fact]
    public async Task SeveralProblems_AreOneLineEach()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-several", DemoImages.V1).ToString());

        var exitCode = await host.RunUntilExitAsync(ExitBound, NoDocker, $"--Cutover:AdminUrl=http://0.0.0.0:{host.AdminPort}");

        Assert.Equal(1, exitCode);
        Assert.Collection(
            host.ErrorLines,
            line => Assert.Contains("Cutover:Api:Tokens is empty", line),
            line => Assert.Contains("Cutover:Console:Users is empty", line));
        Assert.All(host.ErrorLines, line => Assert.StartsWith("cutover: cannot start: ", line));
    }

    [Fact]
    public async Task InvalidWebhook_ExitsOne_WithOneLineNamingTheKey_AndNotItsToken()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-webhook", DemoImages.V1).ToString());

        var exitCode = await host.RunUntilExitAsync(ExitBound, NoDocker, "--Cutover:Notifications:Webhooks:0:Url=hooks.example.com/cutover?token=e2e-webhook-token");

        AssertRefused(host, exitCode, "cutover: cannot start: Cutover:Notifications:Webhooks:0:Url 'hooks.example.com/cutover?***' is not an absolute http:// or https:// URL.");
        Assert.DoesNotContain("e2e-webhook-token", host.Output);
    }

    private static void AssertRefused(HostProcess host, int exitCode, string expectedStart)
    {
        var stderr = host.ErrorLines;
        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr:{Environment.NewLine}{string.Join(Environment.NewLine, stderr)}");
        var line = Assert.Single(stderr);
        Assert.StartsWith(expectedStart, line);
    }
}
