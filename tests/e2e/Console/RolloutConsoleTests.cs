using System.Net;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;
using Microsoft.Playwright;

namespace Cutover.Tests.E2E.Console;

/// <summary>A manual promotion from the app page, in a real browser against the real host, proxy and Docker.</summary>
[Collection(DockerCollection.Name)]
public sealed class RolloutConsoleTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task AManualPromotion_ShowsPausedWithThePreviewLink_AndPromoteConfirmed_CompletesIt()
    {
        var app = AppsYaml.Fresh("e2e-ui-promote", DemoImages.V1);
        var preview = LoopbackPorts.Next();
        await using var host = await HostProcess.StartAsync("apps:\n" + app.Entry + $"\n    promotion: manual\n    preview: {{ listen: 127.0.0.1:{preview} }}\n");
        await host.WaitForAppDeploymentAsync(app.App);
        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/apps/{app.App}");
        await Assertions.Expect(page.Locator("[data-test=deployment] [data-test=deployment-status]")).ToHaveTextAsync("completed");

        var id = await host.DeployAsync(app.App, DemoImages.V2);

        var rollout = page.Locator("[data-test=rollout]");
        await Assertions.Expect(rollout.Locator("[data-test=deployment-status]")).ToHaveTextAsync("paused", new() { Timeout = 30_000 });
        await Assertions.Expect(rollout.Locator("[data-test=preview-link]")).ToHaveAttributeAsync("href", $"http://127.0.0.1:{preview}");
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{preview}/")).StatusCode);
        }

        // The API shows the preview's address too (what the console reads through the board).
        await Assertions.Expect(page.Locator("[data-test=promote]")).ToBeEnabledAsync();
        Assert.Equal($"127.0.0.1:{preview}", (await host.GetJsonAsync($"/api/apps/{app.App}")).GetProperty("preview").GetString());
        await Browser.ScreenshotAsync(page, "app-paused-preview");

        await page.Locator("[data-test=promote]").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("All new requests go to green");
        await Browser.ScreenshotAsync(page, "app-promote-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Promote", Exact = true }).ClickAsync();

        var done = await host.WaitForDeploymentAsync(id, TimeSpan.FromSeconds(60));
        Assert.Equal("completed", done.GetProperty("status").GetString());
        await Assertions.Expect(page.Locator("[data-test=deployment] [data-test=deployment-status]")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=promote]")).ToBeDisabledAsync();
        var steps = await page.Locator("[data-test=deployment] [data-test=step] b").AllTextContentsAsync();
        Assert.Contains("paused", steps);
        // The preview listener closed at the promotion.
        Assert.Equal(JsonValueKind.Null, (await host.GetJsonAsync($"/api/apps/{app.App}")).GetProperty("preview").ValueKind);
    }
}
