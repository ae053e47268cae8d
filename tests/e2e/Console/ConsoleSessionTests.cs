using System.Net;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Cutover.Tests.E2E.Engine;
using Cutover.Web.Access;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Cutover.Tests.E2E.Console;

/// <summary>
/// A console cookie holds while its user is configured with the same password hash, across restarts: it is refused
/// once the user is removed or re-hashed, and kept otherwise, because the keys that encrypt it are kept in the data
/// folder (0700) rather than in the home folder of whoever runs the host.
/// </summary>
/// <remarks>Docker is pointed at a socket that does not exist: sign-ins do not need it, and nothing is created.</remarks>
[UnsupportedOSPlatform("windows")]
public sealed partial class ConsoleSessionTests(Browser browser) : IClassFixture<Browser>
{
    private const string NoDocker = "--Cutover:Docker=unix:///nonexistent/cutover-e2e.sock";
    private const string Token = "e2e-session-token-0123456789abcdef";
    private const string AlicePassword = "alice correct horse battery";
    private const string BobPassword = "bob correct horse battery";

    [Fact]
    public async Task Cookie_IsRefusedAfterARestartWithoutItsUserOrWithANewHash_AndKeptForAUserConfiguredAsBefore()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-ui-session", DemoImages.V1).ToString());
        var bobHash = ConsolePasswords.Hash(BobPassword);
        await host.StartAsync([.. Settings(("alice", ConsolePasswords.Hash(AlicePassword)), ("bob", bobHash))]);
        using var alice = await SignInAsync(host, "alice", AlicePassword);
        using var bob = await SignInAsync(host, "bob", BobPassword);
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(alice, "api/status"));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(bob, "/"));

        // alice removed, bob as he was.
        await host.KillAsync();
        await host.StartAsync([.. Settings(("bob", bobHash))]);

        using (var api = await alice.GetAsync("api/status"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
            // The refused cookie is deleted, not only ignored.
            Assert.Contains(api.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cutover.console=;", StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(bob, "api/status"));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(bob, "/"));
        Assert.Contains("Refused the console cookie of alice", host.Output);

        // bob's password hashed again (the same password, another salt): his cookie no longer holds either.
        await host.KillAsync();
        await host.StartAsync([.. Settings(("bob", ConsolePasswords.Hash(BobPassword)))]);

        using (var page = await bob.GetAsync("/audit"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfAsync(bob, "api/status"));
        using var again = await SignInAsync(host, "bob", BobPassword);
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(again, "api/status"));

        var keys = Path.Combine(host.Folder, "keys");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }

    [Fact]
    public async Task OpenConsole_OfAUserRemovedFromReloadedSettings_EndsOnTheSignInForm_WithoutARestart()
    {
        // The host reads appsettings.<environment>.json from its content root and reloads it on change; an
        // environment name of this test's own keeps the file away from every other host.
        var environment = $"E2eSession{Guid.NewGuid():N}";
        var settings = Path.Combine(HostProcess.BinaryFolder, $"appsettings.{environment}.json");
        var aliceHash = ConsolePasswords.Hash(AlicePassword);
        await File.WriteAllTextAsync(settings, UsersJson(("alice", aliceHash), ("bob", ConsolePasswords.Hash(BobPassword))));
        try
        {
            await using var host = await HostProcess.StartAsync(AppsYaml.Fresh("e2e-ui-circuit", DemoImages.V1).ToString(), NoDocker, $"--environment={environment}");
            var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/deployments");
            await page.Locator("input[name=user]").FillAsync("alice");
            await page.Locator("input[name=password]").FillAsync(AlicePassword);
            await page.Locator("button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-test=user]")).ToHaveTextAsync("ui:alice");

            await File.WriteAllTextAsync(settings, UsersJson(("bob", ConsolePasswords.Hash(BobPassword))));

            // No click, no navigation: the open circuit itself ends, and its page lands on the sign-in form.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("input[name=user]")).ToBeVisibleAsync();
            Assert.Contains("Console users re-read: 1 configured", host.Output);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Fact]
    public async Task EventsHubConnection_OpenedWithTheCookie_IsClosed_WhenItsUserIsRemovedFromReloadedSettings()
    {
        var environment = $"E2eSession{Guid.NewGuid():N}";
        var settings = Path.Combine(HostProcess.BinaryFolder, $"appsettings.{environment}.json");
        var bobHash = ConsolePasswords.Hash(BobPassword);
        await File.WriteAllTextAsync(settings, UsersJson(("alice", ConsolePasswords.Hash(AlicePassword)), ("bob", bobHash)));
        try
        {
            await using var host = await HostProcess.StartAsync(AppsYaml.Fresh("e2e-ui-hub", DemoImages.V1).ToString(), NoDocker, $"--environment={environment}");
            var aliceCookies = new CookieContainer();
            var bobCookies = new CookieContainer();
            using var alice = await SignInAsync(host, "alice", AlicePassword, aliceCookies);
            using var bob = await SignInAsync(host, "bob", BobPassword, bobCookies);
            await using var aliceHub = await ConnectAsync(host, aliceCookies);
            await using var bobHub = await ConnectAsync(host, bobCookies);
            var aliceClosed = Closed(aliceHub);
            var bobClosed = Closed(bobHub);

            await File.WriteAllTextAsync(settings, UsersJson(("bob", bobHash)));

            await aliceClosed.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(HubConnectionState.Disconnected, aliceHub.State);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(bobClosed.IsCompleted);
            Assert.Equal(HubConnectionState.Connected, bobHub.State);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    private static async Task<HubConnection> ConnectAsync(HostProcess host, CookieContainer cookies)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{host.AdminPort}/hubs/events", o =>
            {
                o.Cookies = cookies;
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        await hub.StartAsync();
        return hub;
    }

    private static Task Closed(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private static string UsersJson(params (string Name, string Hash)[] users) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            Cutover = new { Console = new { Users = users.Select(u => new { u.Name, PasswordHash = u.Hash }).ToArray() } },
        });

    /// <summary>Console users, and a token so that the API refuses a caller without either.</summary>
    private static IEnumerable<string> Settings(params (string Name, string Hash)[] users)
    {
        yield return NoDocker;
        yield return "--Cutover:Api:Tokens:0:Name=ci";
        yield return $"--Cutover:Api:Tokens:0:Token={Token}";
        foreach (var ((name, hash), index) in users.Select((u, i) => (u, i)))
        {
            yield return $"--Cutover:Console:Users:{index}:Name={name}";
            yield return $"--Cutover:Console:Users:{index}:PasswordHash={hash}";
        }
    }

    /// <summary>Signs in through the form, as a browser does; the client keeps the cookie and follows no redirect.</summary>
    private static async Task<HttpClient> SignInAsync(HostProcess host, string user, string password, CookieContainer? cookies = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = host.Api.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var form = await client.GetStringAsync("/login");
        var antiforgery = AntiforgeryField().Match(form);
        Assert.True(antiforgery.Success, form);
        using var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups["name"].Value] = antiforgery.Groups["value"].Value,
            ["user"] = user,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        return client;
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\" />")]
    private static partial Regex AntiforgeryField();
}
