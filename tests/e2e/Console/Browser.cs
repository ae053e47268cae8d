using Microsoft.Playwright;

namespace Cutover.Tests.E2E.Console;

/// <summary>Headless Chromium from the distribution's package, driven by Playwright; one per test class.</summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where the tests' screenshots go: the test output folder, kept as artifacts.</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        // Playwright's 5 s for an expectation is less than a cold console's first render takes while the other e2e
        // process loads the machine (a dashboard card was still missing after 5 s once); actions already wait 30 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> OpenAsync(string url, int width = 1280, int height = 800)
    {
        var context = await Chromium.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        return page;
    }

    /// <summary>Saves a full-page screenshot as a test artifact, and into docs/screenshots when asked to refresh those.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var file = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        if (Environment.GetEnvironmentVariable("CUTOVER_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(file, Path.Combine(Engine.Repository.Root, "docs", "screenshots", name + ".png"), overwrite: true);
        }
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
