using System.Text.RegularExpressions;
using LianDong.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

/// <summary>The shell in a real browser: Ctrl+K finds a member, the language and the theme follow the user.</summary>
public class ShellTests(AdminBrowserFixture fx) : IClassFixture<AdminBrowserFixture>
{
    private BrowserFixture B => fx.Browser;

    private Task<IPage> SignedInAsync() => B.SignedInAsync();

    [Fact]
    public async Task Ctrl_K_finds_a_member_by_name_and_opens_their_page()
    {
        var page = await SignedInAsync();
        await B.ScenarioAsync(page, "palette", async () =>
        {
            await page.Keyboard.PressAsync("Control+k");
            var input = page.Locator("[data-testid=palette] input");
            await Expect(input).ToBeVisibleAsync();
            await input.FillAsync("张伟");
            var item = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "张伟" });
            await item.First.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/members/D$"));

            await page.Keyboard.PressAsync("Control+k");
            await input.FillAsync("提现");
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "提现" }).First.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/payouts$"));
        });
    }

    [Fact]
    public async Task English_and_dark_are_kept_for_the_next_sign_in()
    {
        var page = await SignedInAsync();
        await B.ScenarioAsync(page, "language-theme", async () =>
        {
            var lightBackground = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
            await page.ClickAsync("[data-testid=user-menu]");
            await page.ClickAsync("button[name=culture][value=en-US]");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en-US");
            await Expect(page.Locator(".ld-nav .mud-nav-link-text").First).ToHaveTextAsync("Dashboard");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.ClickAsync("[data-testid=user-menu]");
            await page.ClickAsync("button[name=theme][value=dark]");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.WaitForFunctionAsync("light => getComputedStyle(document.body).backgroundColor !== light", lightBackground);

            // Another browser, a new sign-in: the same language and theme.
            var other = await SignedInAsync();
            await Expect(other.Locator("html")).ToHaveAttributeAsync("lang", "en-US");
            await Expect(other.Locator("h1")).ToHaveTextAsync("Dashboard");
            Assert.NotEqual(lightBackground, await other.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));

            // Back to Chinese and the system theme, for the other tests of this class.
            await page.ClickAsync("[data-testid=user-menu]");
            await page.ClickAsync("button[name=culture][value=zh-CN]");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.ClickAsync("[data-testid=user-menu]");
            await page.ClickAsync("button[name=theme][value=system]");
            await BrowserFixture.WaitForCircuitAsync(page);
        });
    }
}
