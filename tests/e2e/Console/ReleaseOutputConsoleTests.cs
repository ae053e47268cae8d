using Cutover.Tests.E2E.Engine;
using Microsoft.Playwright;

namespace Cutover.Tests.E2E.Console;

/// <summary>The app page shows a deployment's release command output live, in a real browser against the real host and Docker.</summary>
[Collection(DockerCollection.Name)]
public sealed class ReleaseOutputConsoleTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Deploy_ShowsTheReleaseOutputAsItIsPrinted_ThenHowItEnded_WithoutAReload()
    {
        await ReleaseCommandTests.BuildImagesAsync();
        var app = AppsYaml.Fresh("e2e-ui-relcmd", ReleaseCommandTests.ReleaseV1);
        // On v2 the command prints, holds 4 s, prints again: long enough to see the first line alone.
        var command = """["/bin/busybox", "sh", "-c", "[ \"$DEMO_VERSION\" != v2 ] || { echo step one of $DEMO_VERSION; sleep 4; echo step two; }"]""";
        await using var host = await HostProcess.StartAsync("apps:\n" + app.Entry + $"\n    release: {{ command: {command}, timeout: 1m }}\n");
        await host.WaitForAppDeploymentAsync(app.App);
        var page = await browser.OpenAsync($"http://127.0.0.1:{host.AdminPort}/apps/{app.App}");
        await Assertions.Expect(page.Locator("[data-test=deployment] [data-test=deployment-status]")).ToHaveTextAsync("completed");

        await host.DeployAsync(app.App, ReleaseCommandTests.ReleaseV2);

        var lines = page.Locator("[data-test=deployment] [data-test=release-lines]");
        var state = page.Locator("[data-test=deployment] [data-test=release-state]");
        await Assertions.Expect(lines).ToHaveTextAsync("step one of v2", new() { Timeout = 30_000 });
        await Assertions.Expect(state).ToHaveTextAsync("running");
        await Browser.ScreenshotAsync(page, "app-releasing");
        await Assertions.Expect(lines).ToHaveTextAsync("step one of v2\nstep two", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=deployment] [data-test=deployment-status]")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await Assertions.Expect(state).ToHaveTextAsync("exited with code 0");
        var steps = await page.Locator("[data-test=deployment] [data-test=step] b").AllTextContentsAsync();
        Assert.Equal(["queued", "pulling", "releasing", "starting", "health_checking", "switching", "draining", "completed"], steps);
    }
}
