using System.Text.RegularExpressions;
using LianDong.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class UserAdministrationTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_creates_a_merchant_and_a_bound_merchant_user_locks_it_and_finds_it_all_in_the_audit_log()
    {
        var code = "SHOP" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var email = TestSecrets.NewEmail("owner");
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "user-administration", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await Expect(page.Locator("h1")).ToContainTextAsync("概览");
            await BrowserFixture.WaitForCircuitAsync(page);

            await page.Locator(".ld-nav a", new() { HasText = "商户" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("商户");
            await page.ClickAsync("#new-merchant");
            var merchantDialog = page.Locator("[data-testid=merchant-dialog]");
            await merchantDialog.Locator("input[name=Code]").FillAsync(code);
            await merchantDialog.Locator("input[name=Name]").FillAsync("好物小店 Good Shop");
            await merchantDialog.Locator("input[name=Contact]").FillAsync("400-800-0000");
            await page.ClickAsync("#save-merchant");
            await Expect(merchantDialog).ToHaveCountAsync(0);
            await Expect(page.Locator(".ld-merchants tr.mud-table-row", new() { HasText = code })).ToContainTextAsync("好物小店 Good Shop");
            var dialog = page.Locator(".rz-dialog");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "merchants.png") });

            await page.Locator(".ld-nav a", new() { HasText = "用户" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Users");
            await page.GetByRole(AriaRole.Button, new() { Name = "新建用户 New user" }).ClickAsync();
            await dialog.Locator("input[name=Email]").FillAsync(email);
            await dialog.Locator("input[name=DisplayName]").FillAsync("店长 Owner");
            await Expect(dialog.Locator("input[name=Password]")).Not.ToHaveValueAsync("");
            await dialog.Locator(".rz-chkbox-label", new() { HasText = "Merchant" }).ClickAsync();
            await dialog.Locator(".rz-dropdown").ClickAsync();
            await page.Locator(".rz-dropdown-item", new() { HasText = code }).ClickAsync();
            // The label is rendered by the server, so once it shows the code the circuit has the value.
            await Expect(dialog.Locator(".rz-dropdown")).ToContainTextAsync(code);
            await dialog.GetByRole(AriaRole.Button, new() { Name = "保存 Save" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            var row = page.Locator(".rz-data-row", new() { HasText = email });
            await Expect(row).ToContainTextAsync(code);
            await Expect(row).ToContainTextAsync("Merchant");
            await Expect(row).ToContainTextAsync("正常 Active");

            await row.GetByRole(AriaRole.Button, new() { Name = "锁定 Lock" }).ClickAsync();
            await Expect(row).ToContainTextAsync("已锁定 Locked");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "users.png") });

            await page.Locator(".ld-nav a", new() { HasText = "审计日志" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Audit log");
            var rows = page.Locator(".rz-data-row");
            await Expect(rows.Filter(new() { HasText = "merchant.create" }).Filter(new() { HasText = code })).ToHaveCountAsync(1);
            await Expect(rows.Filter(new() { HasText = "user.create" }).Filter(new() { HasText = email })).ToContainTextAsync($"merchant={code}");
            await Expect(rows.Filter(new() { HasText = "user.lock" }).Filter(new() { HasText = email })).ToContainTextAsync(fx.Console.AdminEmail);
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "audit.png") });
        });
    }
}
