using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using LianDong.Console.Navigation;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

/// <summary>The pages work under the console's content security policy: nothing is refused by the browser.</summary>
public class ContentSecurityPolicyTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Every_menu_page_runs_interactive_with_no_policy_violation()
    {
        var page = await fx.NewPageAsync();
        var violations = new ConcurrentQueue<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Enqueue(m.Text);
        };
        await page.Context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));");

        await fx.ScenarioAsync(page, "Every_menu_page_runs_interactive_with_no_policy_violation", async () =>
        {
            var login = await page.GotoAsync("/account/login");
            Assert.NotNull(login);
            Assert.Contains("frame-ancestors 'none'", (await login.AllHeadersAsync())["content-security-policy"]);
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await Expect(page.Locator("h1")).ToContainTextAsync(NavCatalog.For("/").TitleIn(LianDong.Console.Localization.UiCulture.Chinese));
            foreach (var entry in NavCatalog.Entries)
            {
                await page.GotoAsync(entry.Path);
                await Expect(page.Locator("h1")).ToContainTextAsync(entry.TitleIn(LianDong.Console.Localization.UiCulture.Chinese));
                await BrowserFixture.WaitForCircuitAsync(page);
                // MudBlazor's script and the console's own ran (their globals exist).
                Assert.True(await page.EvaluateAsync<bool>("() => typeof window.mudElementRef === 'object' && typeof window.liandong === 'object'"), entry.Path);
            }
            // A click handled over the circuit: the menu navigates without a page load.
            var last = NavCatalog.Entries[0];
            await page.Locator(".ld-nav a", new() { HasText = last.TitleIn(LianDong.Console.Localization.UiCulture.Chinese) }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(last.Path) + "$"));
            await Expect(page.Locator("h1")).ToContainTextAsync(last.TitleIn(LianDong.Console.Localization.UiCulture.Chinese));
            Assert.Empty(violations);
        });
    }
}
