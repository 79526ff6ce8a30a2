using LianDong.Tests.Support;
using Microsoft.Playwright;

namespace LianDong.Tests.E2E;

/// <summary>
/// Debian's Chromium (never a downloaded browser) driven by Playwright, against the console on a
/// real port. Missing Chromium is a failure, not a skip: ./test.sh installs it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public KestrelConsole Console { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");
    private IPlaywright playwright = default!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run ./test.sh (it installs Debian's chromium) or apt-get install -y chromium");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Directory.CreateDirectory(ScreenshotFolder);
        foreach (var old in Directory.GetFiles(ScreenshotFolder, "FAILED-*.png")) File.Delete(old);
        // The CI machine has 2 cores shared with builds: give the UI time rather than fail on a slow moment.
        Assertions.SetDefaultExpectTimeout(15_000);
        Console = await KestrelConsole.StartAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Console.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Waits until the page's Blazor circuit is up (the layout marks data-interactive="true"), so
    /// clicks reach their handlers instead of the prerendered markup.
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

    /// <summary>A new browser page signed in as <paramref name="email"/> (the admin by default), its circuit up.</summary>
    public async Task<IPage> SignedInAsync(string? email = null, string? password = null)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/account/login");
        await SubmitLoginAsync(page, email ?? Console.AdminEmail, password ?? Console.AdminPassword);
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>Fills and submits the sign-in form and waits for the answer page to replace this one.</summary>
    public static async Task SubmitLoginAsync(IPage page, string email, string password)
    {
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        // Mark this document, then wait until a new one has replaced it: otherwise the error message
        // left by the previous attempt would be mistaken for this attempt's answer.
        await page.EvaluateAsync("() => document.body.setAttribute('data-stale', '1')");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("body[data-stale]")).ToHaveCountAsync(0);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Runs a browser scenario; on failure saves a screenshot named after it, then rethrows.</summary>
    public async Task ScenarioAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, $"FAILED-{name}.png"), FullPage = true });
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (Console is not null) await Console.DisposeAsync();
    }
}
