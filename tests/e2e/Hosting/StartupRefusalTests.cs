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

    [Fact]
    public async Task LoopbackHostNameWithoutTokens_ExitsOne_AndNothingListens()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-name", DemoImages.V1).ToString());

        // Uri calls "loopback" local; Kestrel binds any name but localhost to every interface.
        var exitCode = await host.RunUntilExitAsync(ExitBound, [NoDocker, $"--Cutover:AdminUrl=http://loopback:{host.AdminPort}", .. ConsoleUser]);

        AssertRefused(host, exitCode, $"cutover: cannot start: Cutover:AdminUrl http://loopback:{host.AdminPort} is reachable beyond this machine (Kestrel binds the host name 'loopback' to every interface; only 'localhost' and loopback addresses stay on this machine), and Cutover:Api:Tokens is empty: configure at least one token, or bind the admin URL to 127.0.0.1.");
        await AssertNothingListensAsync(host.AdminPort);
    }

    [Fact]
    public async Task AdminUrlListHidingAnAnyAddress_ExitsOne_NamingThatEntry_AndNothingListens()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-list", DemoImages.V1).ToString());
        var second = LoopbackPorts.Next();

        // The trailing slash made the whole list one valid URL on 127.0.0.1 to the old check; Kestrel binds both.
        var exitCode = await host.RunUntilExitAsync(ExitBound, [NoDocker, $"--Cutover:AdminUrl=http://127.0.0.1:{host.AdminPort}/;http://0.0.0.0:{second}", .. ConsoleUser]);

        AssertRefused(host, exitCode, $"cutover: cannot start: Cutover:AdminUrl http://0.0.0.0:{second} is reachable beyond this machine, and Cutover:Api:Tokens is empty: configure at least one token, or bind the admin URL to 127.0.0.1.");
        await AssertNothingListensAsync(host.AdminPort);
        await AssertNothingListensAsync(second);
    }

    [Fact]
    public async Task KestrelEndpointOnEveryInterfaceWithoutTokens_ExitsOne_NamingTheBoundAddress_AndNothingListens()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-refuse-endpoint", DemoImages.V1).ToString());

        // Cutover:AdminUrl stays on 127.0.0.1; Kestrel:Endpoints replace it, which only the bound addresses tell.
        var exitCode = await host.RunUntilExitAsync(ExitBound, [NoDocker, $"--Kestrel:Endpoints:Admin:Url=http://0.0.0.0:{host.AdminPort}", .. ConsoleUser]);

        AssertRefused(host, exitCode, $"cutover: cannot start: The admin listener http://0.0.0.0:{host.AdminPort} (Kestrel:Endpoints) is reachable beyond this machine, and Cutover:Api:Tokens is empty: configure at least one token, or bind Kestrel:Endpoints to 127.0.0.1.");
        await AssertNothingListensAsync(host.AdminPort);
    }

    [Fact]
    public async Task KestrelEndpointAndAdminUrlListOnLoopback_StillStart()
    {
        await using var endpoint = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-bind-endpoint", DemoImages.V1).ToString());
        await using var list = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-bind-list", DemoImages.V1).ToString());

        await endpoint.StartAsync(NoDocker, $"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{endpoint.AdminPort}");
        await list.StartAsync(NoDocker, $"--Cutover:AdminUrl=http://127.0.0.1:{list.AdminPort}/;http://localhost:{LoopbackPorts.Next()}");

        using var status = await endpoint.Api.GetAsync("api/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("The admin listener is bound to", endpoint.Output);
        Assert.Contains("The admin listener is bound to", list.Output);
    }

    /// <summary>A console user, so that the missing API token is the one problem.</summary>
    private static readonly string[] ConsoleUser =
        ["--Cutover:Console:Users:0:Name=ops", $"--Cutover:Console:Users:0:PasswordHash={ConsolePasswords.Hash("e2e-refusal-password")}"];

    private static async Task AssertNothingListensAsync(int port)
    {
        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static void AssertRefused(HostProcess host, int exitCode, string expectedStart)
    {
        var stderr = host.ErrorLines;
        Assert.True(exitCode == 1, $"exit code {exitCode}; stderr:{Environment.NewLine}{string.Join(Environment.NewLine, stderr)}");
        var line = Assert.Single(stderr);
        Assert.StartsWith(expectedStart, line);
    }
}
