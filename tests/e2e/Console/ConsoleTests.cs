using Cutover.Tests.E2E.Engine;
using Microsoft.Playwright;

namespace Cutover.Tests.E2E.Console;

/// <summary>The console in a real browser against the real host and Docker: live steps, drain, failures, audit export.</summary>
[Collection(DockerCollection.Name)]
public sealed class ConsoleTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Dashboard_ShowsEveryApp_WithItsSlotImageAndHealth()
    {
        var shop = AppsYaml.Fresh("e2e-ui-shop", DemoImages.V1);
        var blog = AppsYaml.Fresh("e2e-ui-blog", DemoImages.V2);
        await using var host = await HostProcess.StartAsync("apps:\n" + shop.Entry + "\n" + blog.Entry + "\n");
        await host.WaitForAppDeploymentAsync(shop.App);
        await host.WaitForAppDeploymentAsync(blog.App);

        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/");

        var card = page.Locator($"[data-test=app-card][data-app={shop.App}]");
        await Assertions.Expect(card.Locator("[data-test=active]")).ToContainTextAsync($"blue · {DemoImages.V1}");
        await Assertions.Expect(card.Locator("[data-test=health]")).ToHaveTextAsync("healthy");
        await Assertions.Expect(card.Locator("[data-test=latency-chart]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-test=app-card][data-app={blog.App}] [data-test=active]")).ToContainTextAsync(DemoImages.V2);
        await Browser.ScreenshotAsync(page, "dashboard");

        var phone = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/", 390, 844);
        await Assertions.Expect(phone.Locator($"[data-test=app-card][data-app={shop.App}]")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(phone, "dashboard-phone");
    }

    [Fact]
    public async Task Requests_ToAnApp_ShowOnItsCardAndPage_OnceTheirWindowCloses()
    {
        var app = AppsYaml.Fresh("e2e-ui-traffic", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/");
        var card = page.Locator($"[data-test=app-card][data-app={app.App}]");
        await Assertions.Expect(card.Locator("[data-test=requests-per-second]")).ToHaveTextAsync("0 requests/s");
        await Assertions.Expect(card.Locator("[data-test=error-rate]")).ToHaveTextAsync("–");

        // Bounded: 40 requests to 127.0.0.1, each with its own timeout.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < 40; i++)
        {
            (await client.GetAsync(new Uri(app.Url, $"?n={i}"))).EnsureSuccessStatusCode();
        }

        // The requests' 10-second window closes within 10 s; the card changes without a reload.
        await Assertions.Expect(card.Locator("[data-test=requests-per-second]")).Not.ToHaveTextAsync("0 requests/s", new() { Timeout = 25_000 });
        await Assertions.Expect(card.Locator("[data-test=error-rate]")).ToHaveTextAsync("0%");
        await Assertions.Expect(card.Locator("[data-test=traffic-sparkline]")).ToBeVisibleAsync();

        await page.GotoAsync($"http://127.0.0.1:{host.AdminPort}/apps/{app.App}");
        await Assertions.Expect(page.Locator("[data-test=slot-figures][data-slot=blue]")).ToContainTextAsync(
            new System.Text.RegularExpressions.Regex(@"\((4\d|[5-9]\d|\d{3,}) requests in the last minute\)"), new() { Timeout = 25_000 });
        await Browser.ScreenshotAsync(page, "app-traffic");
    }

    [Fact]
    public async Task Redeploy_ShowsTheStepsAndTheDrainLive_AndEndsCompleted_WithoutAReload()
    {
        var app = AppsYaml.Fresh("e2e-ui-redeploy", DemoImages.V1) with { Drain = "{ timeout: 40s, websocket_timeout: 2s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/apps/{app.App}");
        await Assertions.Expect(page.Locator("[data-test=slot][data-slot=blue]")).ToContainTextAsync("serving");

        // Following the output shows each request's line as the container writes it.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await page.Locator("[data-test=follow]").CheckAsync();
        await client.GetAsync(new Uri(app.Url, "?followed=blue"));
        await Assertions.Expect(page.Locator("[data-test=logs]")).ToContainTextAsync("GET /?followed=blue 200");

        // A slow request on blue keeps the drain busy long enough to watch it. It must outlast the new slot's start and
        // health checks: 6 s did not on a loaded CI machine (the drain found it already done: "0 requests left").
        var slow = client.GetStringAsync(new Uri(app.Url, "slow?ms=20000"));
        await page.Locator("[data-test=redeploy]").ClickAsync();
        await ConfirmAsync(page, "Redeploy");

        await Assertions.Expect(page.Locator("[data-test=drain-requests]")).ToContainTextAsync("1 request left", new() { Timeout = 30_000 });
        await Browser.ScreenshotAsync(page, "app-draining");
        await Assertions.Expect(page.Locator("[data-test=deployment] [data-test=deployment-status]")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        var steps = await page.Locator("[data-test=deployment] [data-test=step] b").AllTextContentsAsync();
        Assert.Equal(["queued", "pulling", "starting", "health_checking", "switching", "draining", "completed"], steps);
        await Assertions.Expect(page.Locator("[data-test=slot][data-slot=green]")).ToContainTextAsync("serving");
        Assert.StartsWith("slow v1", await slow);

        // Following went on with the container that serves now.
        await client.GetAsync(new Uri(app.Url, "?followed=green"));
        await Assertions.Expect(page.Locator("[data-test=logs]")).ToContainTextAsync("GET /?followed=green 200");
        await Browser.ScreenshotAsync(page, "app");
    }

    [Fact]
    public async Task BadImage_ShowsTheFailureAndTheRollback_ThenTheAuditListsTheActions_AndExportsThemAsCsv()
    {
        var app = AppsYaml.Fresh("e2e-ui-bad", DemoImages.V1) with { Health = "{ path: /health, interval: 250ms, timeout: 1s, healthy_after: 2, deadline: 10s }" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/apps/{app.App}");

        await page.Locator("[data-test=deploy-image]").ClickAsync();
        await page.Locator("[data-test=deploy-form] input").FillAsync("Not An Image");
        await Assertions.Expect(page.Locator("[data-test=deploy-submit]")).ToBeDisabledAsync();
        await page.Locator("[data-test=deploy-form] input").FillAsync(DemoImages.Unhealthy);
        await page.Locator("[data-test=deploy-submit]").ClickAsync();
        await ConfirmAsync(page, "Deploy");

        await Assertions.Expect(page.Locator("[data-test=deployment] [data-test=deployment-status]")).ToHaveTextAsync("rolled_back", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=deployment-error]")).ToContainTextAsync("status 500");
        await Assertions.Expect(page.Locator("[data-test=slot][data-slot=blue]")).ToContainTextAsync("serving");
        await Browser.ScreenshotAsync(page, "app-rolled-back");

        await page.GotoAsync($"http://127.0.0.1:{host.AdminPort}/audit");
        await Assertions.Expect(page.Locator("tr.audit-row", new() { HasText = "deployment.rolled_back" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("tr.audit-row", new() { HasText = "ui:local" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=verification]")).ToContainTextAsync("intact");
        await Browser.ScreenshotAsync(page, "audit");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=export-csv]").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("deployment.rolled_back", csv);
        Assert.Contains($"ui:local,127.0.0.1,deployment.deploy,{app.App}", csv);

        await page.GotoAsync($"http://127.0.0.1:{host.AdminPort}/deployments");
        await Assertions.Expect(page.Locator("tr.deployment-row", new() { HasText = "rolled_back" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "deployments");

        await page.GotoAsync($"http://127.0.0.1:{host.AdminPort}/config");
        await Assertions.Expect(page.Locator("[data-test=config-text]")).ToContainTextAsync(app.App);
        await Browser.ScreenshotAsync(page, "config");
    }

    /// <summary>Answers the confirmation dialog, after checking that it says what will happen.</summary>
    private static async Task ConfirmAsync(IPage page, string action)
    {
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("switch");
        await dialog.GetByRole(AriaRole.Button, new() { Name = action, Exact = true }).ClickAsync();
    }
}
