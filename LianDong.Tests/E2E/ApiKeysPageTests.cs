using System.Net.Http.Headers;
using LianDong.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class ApiKeysPageTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_creates_a_key_shown_once_sees_its_last_use_and_revokes_it()
    {
        var name = "storefront " + Guid.NewGuid().ToString("N")[..6];
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "api-keys", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await Expect(page.Locator("h1")).ToContainTextAsync("Dashboard");
            await page.GotoAsync("/api-keys");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.Locator("h1")).ToContainTextAsync("API");

            await page.GetByRole(AriaRole.Button, new() { Name = "新建密钥 New key" }).ClickAsync();
            var dialog = page.Locator(".rz-dialog");
            await dialog.Locator("input[name=Name]").FillAsync(name);
            await dialog.GetByRole(AriaRole.Button, new() { Name = "创建 Create" }).ClickAsync();
            var secretBox = dialog.Locator("[data-testid=new-api-key]");
            await Expect(secretBox).ToContainTextAsync("ld_");
            var secret = (await secretBox.InnerTextAsync()).Trim();
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "api-key-created.png") });
            await dialog.GetByRole(AriaRole.Button, new() { Name = "完成 Done" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            var row = page.Locator(".rz-data-row", new() { HasText = name });
            await Expect(row).ToContainTextAsync("平台 Platform");
            await Expect(row).ToContainTextAsync(secret[..11]);
            await Expect(page.Locator("body")).Not.ToContainTextAsync(secret);

            using var http = new HttpClient { BaseAddress = fx.Console.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(404, (int)(await http.GetAsync("/api/v1/members/nobody")).StatusCode);

            await page.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(row).Not.ToContainTextAsync("—");
            await row.GetByRole(AriaRole.Button, new() { Name = "吊销 Revoke" }).ClickAsync();
            await page.Locator(".rz-dialog").GetByRole(AriaRole.Button, new() { Name = "吊销 Revoke" }).ClickAsync();
            await Expect(row).ToContainTextAsync("已吊销 Revoked");
            Assert.Equal(401, (int)(await http.GetAsync("/api/v1/members/nobody")).StatusCode);
        });
    }
}
