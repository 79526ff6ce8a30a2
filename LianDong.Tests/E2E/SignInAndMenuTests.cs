using System.Text.RegularExpressions;
using LianDong.Console.Navigation;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class SignInAndMenuTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_signs_in_sees_the_dashboard_clicks_through_the_menu_and_signs_out()
    {
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "Admin_signs_in_sees_the_dashboard_clicks_through_the_menu_and_signs_out", async () =>
        {
            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
            await Expect(page.Locator("h1")).ToContainTextAsync("链动");
            // Styled: app.css applies (the card has the login layout's white background).
            var background = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.ld-login')).backgroundColor");
            Assert.Equal("rgb(255, 255, 255)", background);
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "login.png") });

            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await Expect(page.Locator("h1")).ToContainTextAsync("概览");
            await Expect(page.Locator(".ld-user-name")).ToHaveTextAsync(fx.Console.AdminEmail);
            await BrowserFixture.WaitForCircuitAsync(page);
            // MudBlazor's theme is loaded: the app bar has the theme's colour, not the browser's transparent default.
            var header = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-appbar')).backgroundColor");
            Assert.NotEqual("rgba(0, 0, 0, 0)", header);
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "dashboard.png") });

            var items = page.Locator(".ld-nav .mud-nav-link-text");
            await Expect(items).ToHaveCountAsync(NavCatalog.Entries.Count);
            foreach (var entry in NavCatalog.Entries.Reverse())
            {
                await page.Locator(".ld-nav a", new() { HasText = entry.TitleIn(LianDong.Console.Localization.UiCulture.Chinese) }).ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(entry.Path) + "$"));
                await Expect(page.Locator("h1")).ToContainTextAsync(entry.TitleIn(LianDong.Console.Localization.UiCulture.Chinese));
                await Expect(page.Locator(".ld-error")).ToHaveCountAsync(0);
                var slug = entry.Path == "/" ? "dashboard" : entry.Path.Trim('/');
                await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, $"page-{slug}.png") });
            }

            await page.GotoAsync("/no-such-page");
            await Expect(page.Locator("h1")).ToContainTextAsync("页面不存在");
            await Expect(page.Locator(".ld-nav .mud-nav-link-text")).ToHaveCountAsync(NavCatalog.Entries.Count);

            await page.ClickAsync("[data-testid=user-menu]");
            await page.ClickAsync("form.ld-signout button");
            await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
            await page.GotoAsync("/users");
            await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        });
    }

    [Fact]
    public async Task Wrong_password_shows_an_error()
    {
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "Wrong_password_shows_an_error", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, TestSecrets.NewPassword());
            await Expect(page.Locator(".ld-login-error")).ToContainTextAsync("邮箱或密码错误");
            await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        });
    }

    [Fact]
    public async Task The_fifth_wrong_password_in_a_row_locks_the_account_and_the_next_attempt_says_so()
    {
        var email = TestSecrets.NewEmail("lockme");
        var password = TestSecrets.NewPassword();
        using (var scope = fx.Console.App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, AppRoles.Finance)).Succeeded);
        }

        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "The_fifth_wrong_password_in_a_row_locks_the_account_and_the_next_attempt_says_so", async () =>
        {
            await page.GotoAsync("/account/login");
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                await BrowserFixture.SubmitLoginAsync(page, email, TestSecrets.NewPassword());
                await Expect(page.Locator(".ld-login-error")).ToContainTextAsync("邮箱或密码错误");
            }
            await BrowserFixture.SubmitLoginAsync(page, email, TestSecrets.NewPassword());
            await Expect(page.Locator(".ld-login-error")).ToContainTextAsync("账户已锁定");

            // Even the right password is refused now, and the page says why.
            await BrowserFixture.SubmitLoginAsync(page, email, password);
            await Expect(page.Locator(".ld-login-error")).ToContainTextAsync("账户已锁定");
            await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        });
    }

    [Fact]
    public async Task Merchant_sees_only_its_menu_and_is_refused_other_pages()
    {
        var email = TestSecrets.NewEmail("shop");
        var password = TestSecrets.NewPassword();
        using (var scope = fx.Console.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
            var merchant = new LianDong.Domain.Merchants.Merchant("E2E" + Guid.NewGuid().ToString("N")[..6], "E2E shop", null, DateTimeOffset.UtcNow);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchant.Id };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, AppRoles.Merchant)).Succeeded);
        }

        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "Merchant_sees_only_its_menu_and_is_refused_other_pages", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, email, password);
            await Expect(page.Locator("h1")).ToContainTextAsync("概览");
            await Expect(page.Locator(".ld-nav .mud-nav-link-text")).ToHaveTextAsync(["概览", "礼包", "订单"]);
            // The merchant's own dashboard, named; nothing sold yet.
            await Expect(page.Locator("[data-testid=merchant-name]")).ToHaveTextAsync("E2E shop 的经营概况");
            await Expect(page.Locator("[data-card=sales-today] .ld-card-value")).ToHaveTextAsync("¥0.00");
            await Expect(page.Locator("[data-card=packs-on] .ld-card-value")).ToHaveTextAsync("0");
            await page.GotoAsync("/users");
            await Expect(page).ToHaveURLAsync(new Regex("/account/access-denied"));
        });
    }
}
