using Cutover.Tests.E2E.Engine;
using Cutover.Web.Access;
using Microsoft.Playwright;

namespace Cutover.Tests.E2E.Console;

/// <summary>With console users configured, the console asks for a login, audits it, and acts under the user's name.</summary>
[Collection(DockerCollection.Name)]
public sealed class LoginTests(Browser browser) : IClassFixture<Browser>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Console_RequiresALogin_RefusesAWrongPassword_AndAuditsBothAsTheUser()
    {
        var app = AppsYaml.Fresh("e2e-ui-login", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(
            app.ToString(), "--Cutover:Console:Users:0:Name=alice", $"--Cutover:Console:Users:0:PasswordHash={ConsolePasswords.Hash(Password)}");
        await host.WaitForAppDeploymentAsync(app.App);

        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/audit");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await Browser.ScreenshotAsync(page, "login");
        await SignInAsync(page, "alice", "not the password");
        await Assertions.Expect(page.Locator("[data-test=login-failed]")).ToBeVisibleAsync();

        await SignInAsync(page, "alice", Password);

        await Assertions.Expect(page.Locator("[data-test=user]")).ToHaveTextAsync("ui:alice");
        await Assertions.Expect(page.Locator("tr.audit-row", new() { HasText = "console.login" }).First).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=export-csv]").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("ui:alice,127.0.0.1,console.login,,,wrong user or password,refused", csv);
        Assert.Contains("ui:alice,127.0.0.1,console.login,,,signed in,ok", csv);

        await page.Locator("[data-test=logout]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync($"http://127.0.0.1:{host.AdminPort}/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    private static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.Locator("input[name=user]").FillAsync(user);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.Locator("button[type=submit]").ClickAsync();
    }
}
