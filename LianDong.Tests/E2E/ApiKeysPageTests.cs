using System.Net.Http.Headers;
using LianDong.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

public class ApiKeysPageTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_creates_a_key_shown_once_sees_its_last_use_and_revokes_it_after_confirming()
    {
        var name = "storefront " + Guid.NewGuid().ToString("N")[..6];
        var page = await fx.NewPageAsync();
        await fx.ScenarioAsync(page, "api-keys", async () =>
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SubmitLoginAsync(page, fx.Console.AdminEmail, fx.Console.AdminPassword);
            await Expect(page.Locator("h1")).ToContainTextAsync("概览");
            await page.GotoAsync("/api-keys");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.Locator("h1")).ToContainTextAsync("接口密钥");

            await page.GetByTestId("new-api-key-button").ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            await dialog.GetByTestId("api-key-name").FillAsync(name);
            await dialog.GetByTestId("api-key-create").ClickAsync();
            var secretBox = dialog.GetByTestId("new-api-key");
            await Expect(secretBox).ToContainTextAsync("ld_");
            await Expect(dialog).ToContainTextAsync("密钥只显示这一次");
            await Expect(dialog.GetByTestId("copy-secret")).ToBeVisibleAsync();
            var secret = (await secretBox.InnerTextAsync()).Trim();
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "api-key-created.png") });
            await dialog.GetByTestId("api-key-done").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            var row = page.Locator(".mud-table-body tr", new() { HasText = name });
            await Expect(row).ToContainTextAsync("平台");
            await Expect(row).ToContainTextAsync(secret[..11]);
            await Expect(page.Locator("body")).Not.ToContainTextAsync(secret);

            using var http = new HttpClient { BaseAddress = fx.Console.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(404, (int)(await http.GetAsync("/api/v1/members/nobody")).StatusCode);

            await page.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(row.GetByTestId("last-used")).Not.ToHaveTextAsync("—");
            await row.GetByTestId("revoke").ClickAsync();
            await Expect(dialog).ToContainTextAsync(name);
            await Expect(dialog).ToContainTextAsync("401");
            await dialog.GetByTestId("confirm-ok").ClickAsync();
            await Expect(row.GetByTestId("key-status")).ToContainTextAsync("已吊销");
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"已吊销密钥 {name}");
            Assert.Equal(401, (int)(await http.GetAsync("/api/v1/members/nobody")).StatusCode);
        });
    }
}
