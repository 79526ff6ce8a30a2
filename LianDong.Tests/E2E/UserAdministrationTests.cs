using System.Text.RegularExpressions;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class UserAdministrationTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_creates_a_bound_merchant_user_after_field_messages_locks_it_after_confirming_and_finds_it_in_the_audit_log()
    {
        var code = "SHOP" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var email = TestSecrets.NewEmail("owner");
        // A merchant to bind the user to (the merchants page has its own test).
        await using (var db = await fx.Console.App.Services.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
        {
            db.Merchants.Add(new Merchant(code, "好物小店", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "user-administration", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await Expect(page.Locator("h1")).ToContainTextAsync("概览");
            await page.GotoAsync("/users");
            await Expect(page.Locator("h1")).ToContainTextAsync("用户");
            await BrowserFixture.WaitForCircuitAsync(page);

            await page.GetByTestId("new-user").ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            // Nothing filled in: each field says what is missing, in Chinese.
            await dialog.GetByTestId("user-save").ClickAsync();
            await Expect(dialog.Locator("[data-field=Email]")).ToContainTextAsync("请输入邮箱");
            await Expect(dialog.Locator("[data-field=Roles]")).ToContainTextAsync("请至少选择一个角色");

            await dialog.GetByTestId("user-email").FillAsync(email);
            await dialog.GetByTestId("user-name").FillAsync("店长");
            await Expect(dialog.GetByTestId("user-password")).Not.ToHaveValueAsync("");
            await dialog.Locator("input[data-role=Merchant]").ClickAsync();
            await dialog.Locator("[data-field=Merchant] .mud-input-control.mud-select").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = code }).ClickAsync();
            await Expect(dialog.Locator("[data-field=Merchant] input").First).ToHaveValueAsync(new Regex(code));
            await dialog.GetByTestId("user-save").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"已创建用户 {email}");
            var row = page.Locator(".mud-table-body tr", new() { HasText = email });
            await Expect(row).ToContainTextAsync(code);
            await Expect(row).ToContainTextAsync("商户");
            await Expect(row.GetByTestId("user-status")).ToContainTextAsync("正常");
            // The whole email is shown, not cut off.
            Assert.True(await row.Locator("td").First.EvaluateAsync<bool>("td => td.scrollWidth <= td.clientWidth"));

            // A role change asks first, stating the old and new roles.
            await row.GetByTestId("user-edit").ClickAsync();
            await dialog.Locator("input[data-role=Finance]").ClickAsync();
            await dialog.GetByTestId("user-save").ClickAsync();
            var confirm = page.Locator(".mud-dialog", new() { HasText = "更改角色" });
            await Expect(confirm).ToContainTextAsync("原角色");
            await Expect(confirm).ToContainTextAsync("商户、财务");
            await confirm.GetByTestId("confirm-ok").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "已保存" })).ToContainTextAsync(email);
            await Expect(row).ToContainTextAsync("商户、财务");

            // The search is kept in the URL: a reload shows the same rows.
            await page.GetByTestId("user-search").FillAsync("owner-");
            await page.GetByTestId("user-search").PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(new Regex("q=owner-"));
            await page.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.GetByTestId("user-search")).ToHaveValueAsync("owner-");
            await Expect(page.Locator(".mud-table-body tr", new() { HasText = fx.Console.AdminEmail })).ToHaveCountAsync(0);
            await Expect(row).ToHaveCountAsync(1);

            // Locking asks first; cancelling leaves the user as it was.
            await row.GetByTestId("user-lock").ClickAsync();
            await Expect(dialog).ToContainTextAsync(email);
            await dialog.GetByTestId("confirm-cancel").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(row.GetByTestId("user-status")).ToContainTextAsync("正常");
            await row.GetByTestId("user-lock").ClickAsync();
            await dialog.GetByTestId("confirm-ok").ClickAsync();
            await Expect(row.GetByTestId("user-status")).ToContainTextAsync("已锁定");
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "已锁定" })).ToContainTextAsync(email);
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "users.png") });

            await page.GotoAsync("/audit");
            await Expect(page.Locator("h1")).ToContainTextAsync("审计日志");
            await BrowserFixture.WaitForCircuitAsync(page);
            var rows = page.Locator(".mud-table-body tr");
            await Expect(rows.Filter(new() { HasText = "创建用户" }).Filter(new() { HasText = email })).ToContainTextAsync($"merchant={code}");
            await Expect(rows.Filter(new() { HasText = "锁定用户" }).Filter(new() { HasText = email })).ToContainTextAsync(fx.Console.AdminEmail);
            // Who, in any case: the filter goes into the URL.
            await page.GetByTestId("audit-who").FillAsync(fx.Console.AdminEmail.ToUpperInvariant());
            await page.GetByTestId("audit-who").PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(new Regex("who="));
            await Expect(rows.Filter(new() { HasText = "system:first-run" })).ToHaveCountAsync(0);
            await Expect(rows.Filter(new() { HasText = "锁定用户" }).Filter(new() { HasText = email })).ToHaveCountAsync(1);
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "audit.png") });

            // At 1280×800 the filter bar is one row inside the grid.
            await page.SetViewportSizeAsync(1280, 800);
            var filters = page.GetByTestId("audit-filters");
            Assert.True(await filters.EvaluateAsync<bool>(
                "f => [...f.children].every(c => c.getBoundingClientRect().top < f.children[0].getBoundingClientRect().bottom && c.getBoundingClientRect().right <= f.getBoundingClientRect().right + 1)"),
                "the audit filter bar wraps or overflows at 1280px");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "audit-1280.png") });
        });
    }
}
