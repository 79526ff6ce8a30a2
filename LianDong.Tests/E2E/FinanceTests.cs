using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using LianDong.Tests.Finance;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

/// <summary>
/// Merchant and finance in the browser. The data comes through the engine's services: a rule set published as of ten
/// days ago (with a clock set then, as publishing never back-dates), the worked example's orders on that day, and the
/// nightly run of yesterday, so A (¥920.00) and D (¥440.00) have money available.
/// </summary>
public class FinanceTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    private static async Task<string> UserAsync(IServiceProvider sp, string email, long? merchantId, string role)
    {
        using var scope = sp.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var password = TestSecrets.NewPassword();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return password;
    }

    private async Task<long> SeedAsync()
    {
        var sp = fx.Console.App.Services;
        var dbs = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        await using (var db = await dbs.CreateDbContextAsync())
            if (await db.RuleSets.AnyAsync()) return await db.Merchants.Where(m => m.Code == "E2E").Select(m => m.Id).SingleAsync();
        var merchantId = await PastWorkedExample.SeedAsync(sp, "E2E", DateTimeOffset.UtcNow.AddDays(-10), PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-1));
        await sp.GetRequiredService<PayoutAccountService>().SetAsync("A", "王小明", "招商银行", "6225880112345678", "test");
        return merchantId;
    }

    private async Task<IPage> SignedInAsync(string email, string password)
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/account/login");
        await BrowserFixture.SubmitLoginAsync(page, email, password);
        await Expect(page.Locator("h1")).ToContainTextAsync("概览");
        return page;
    }

    [Fact]
    public async Task A_merchant_creates_a_pack_and_switches_it_on()
    {
        var merchantId = await SeedAsync();
        var email = TestSecrets.NewEmail("shop");
        var password = await UserAsync(fx.Console.App.Services, email, merchantId, AppRoles.Merchant);
        var page = await SignedInAsync(email, password);
        var code = "GP" + Guid.NewGuid().ToString("N")[..5].ToUpperInvariant();
        await fx.ScenarioAsync(page, "merchant-pack", async () =>
        {
            await page.GotoAsync("/gift-packs");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.Locator(".ld-packs tr.mud-table-row", new() { HasText = "GP499" })).ToHaveCountAsync(1);
            await page.ClickAsync("#new-pack");
            var dialog = page.Locator("[data-testid=pack-dialog]");
            await dialog.Locator("input[name=Code]").FillAsync(code);
            await dialog.Locator("input[name=Name]").FillAsync("新春礼包");
            // A margin refusal first: ¥320.00 of rewards on a ¥149.00 margin, said in Chinese and in yuan.
            await dialog.Locator("input[name=Price]").FillAsync("199.00");
            await dialog.Locator("input[name=Cost]").FillAsync("50.00");
            await dialog.Locator("input[name=Cost]").PressAsync("Tab");
            await Expect(dialog.Locator("#pack-compliance")).ToContainTextAsync("单笔最高奖励 ¥320.00 超过礼包毛利 ¥149.00");
            await dialog.Locator("input[name=Price]").FillAsync("599.00");
            await dialog.Locator("input[name=Cost]").FillAsync("199.00");
            await dialog.Locator("input[name=Cost]").PressAsync("Tab");
            await Expect(dialog.Locator("#pack-compliance")).ToContainTextAsync("可以上架");
            await page.ClickAsync("#save-pack");
            await Expect(dialog).ToHaveCountAsync(0);
            var row = page.Locator(".ld-packs tr.mud-table-row", new() { HasText = code });
            await Expect(row).ToContainTextAsync("已下架");
            await Expect(row).ToContainTextAsync("¥599.00");
            await page.ClickAsync($"#switch-{code}");
            await Expect(row).ToContainTextAsync("已上架");
            // Switching off asks first.
            await page.ClickAsync($"#switch-{code}");
            await page.ClickAsync("[data-testid=confirm-ok]");
            await Expect(row).ToContainTextAsync("已下架");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "gift-packs.png") });
        });
    }

    [Fact]
    public async Task Finance_builds_a_second_user_approves_exports_and_settles_a_payout_batch()
    {
        await SeedAsync();
        var (email1, email2) = (TestSecrets.NewEmail("fin1"), TestSecrets.NewEmail("fin2"));
        var password1 = await UserAsync(fx.Console.App.Services, email1, null, AppRoles.Finance);
        var password2 = await UserAsync(fx.Console.App.Services, email2, null, AppRoles.Finance);

        var page = await SignedInAsync(email1, password1);
        await fx.ScenarioAsync(page, "payout-build", async () =>
        {
            await page.GotoAsync("/payouts");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.ClickAsync("#preview-payout");
            await Expect(page.Locator("#payout-excluded .rz-data-row", new() { HasText = "No payout account" })).ToContainTextAsync("¥440.00");
            // Finance fills in D's payout account from the list of members left out.
            await page.ClickAsync("#account-D");
            var dialog = page.Locator(".rz-dialog");
            await dialog.Locator("#account-name").FillAsync("李四");
            await dialog.Locator("#account-bank").FillAsync("建设银行");
            await dialog.Locator("#account-no").FillAsync("6227 0012 3456 7890");
            await dialog.Locator("#save-account").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(page.Locator("h2", new() { HasText = "To pay" })).ToContainTextAsync("¥1,360.00");
            await page.ClickAsync("#build-payout");
            await Expect(page.Locator("#payout-message")).ToContainTextAsync("second finance user");
            await Expect(page.Locator("#batch-title")).ToContainTextAsync("Awaiting approval");
            // The creator's own approval is refused.
            await page.ClickAsync("#approve-batch");
            await Expect(page.Locator("#payout-message")).ToContainTextAsync("must approve it");
        });

        var second = await SignedInAsync(email2, password2);
        await fx.ScenarioAsync(second, "payout-approve", async () =>
        {
            await second.GotoAsync("/payouts");
            await BrowserFixture.WaitForCircuitAsync(second);
            await second.Locator("#payout-batches .rz-data-row", new() { HasText = "Awaiting approval" }).First.ClickAsync();
            await second.ClickAsync("#approve-batch");
            await Expect(second.Locator("#batch-title")).ToContainTextAsync("Approved");

            // Lines are marked only once the bank file exists.
            await Expect(second.Locator("#mark-after-export")).ToBeVisibleAsync();
            await Expect(second.Locator("#payout-lines button", new() { HasText = "已付 Paid" })).ToHaveCountAsync(0);
            var download = await second.RunAndWaitForDownloadAsync(() => second.ClickAsync("#export-batch"));
            var path = Path.Combine(fx.ScreenshotFolder, "payout-bank-file.xlsx");
            await download.SaveAsAsync(path);
            await using (var file = File.OpenRead(path))
            using (var x = new XlsxReader(file))
            {
                var rows = XlsxReader.Rows(x.Sheet("批量代发"));
                Assert.Equal(3, rows.Count); // the template's header, then one row per payment
                Assert.Equal("收款账号", XlsxReader.Text(XlsxReader.CellAt(rows[0], "A")));
                Assert.Contains(rows, r => r.InnerText.Contains("6227001234567890") && r.InnerText.Contains("李四")); // the full number, for the bank
                Assert.Contains(rows, r => r.InnerText.Contains("6225880112345678"));
            }
            await Expect(second.Locator("#batch-title")).ToContainTextAsync("Exported");
            await Expect(second.Locator("#payout-lines .rz-data-row", new() { HasText = "****7890" })).ToHaveCountAsync(1); // the screen stays masked

            var lines = second.Locator("#payout-lines .rz-data-row");
            var refA = (await lines.Filter(new() { HasText = "¥920.00" }).Locator("td").First.InnerTextAsync()).Trim();
            var refD = (await lines.Filter(new() { HasText = "¥440.00" }).Locator("td").First.InnerTextAsync()).Trim();
            await second.ClickAsync($"#paid-{refA}");
            await Expect(lines.Filter(new() { HasText = refA })).ToContainTextAsync("已付 Paid");

            // The bank's result: a file with a wrong row is refused whole and the page says which row and why.
            var bad = Path.Combine(fx.ScreenshotFolder, "bank-result-bad.csv");
            await File.WriteAllTextAsync(bad, $"reference,amount,result,reason\n{refD},440.01,failed,账号已销户 account closed\nPB999999-000001,1.00,paid,\n");
            await second.SetInputFilesAsync("#import-result", bad);
            var errors = second.Locator("#import-errors");
            await Expect(errors).ToContainTextAsync("Nothing was applied");
            await Expect(errors).ToContainTextAsync($"line 2: {refD} amount ¥440.01 differs from the batch's ¥440.00");
            await Expect(errors).ToContainTextAsync("line 3: reference PB999999-000001 is not a line of");
            await Expect(lines.Filter(new() { HasText = refD })).ToContainTextAsync("待支付 Pending");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "payout-import-refused.png"), FullPage = true });

            // The corrected file, in GBK as many bank portals write it: applied, and the page says what it did.
            var good = Path.Combine(fx.ScreenshotFolder, "bank-result-good.csv");
            System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
            await File.WriteAllTextAsync(good, $"reference,amount,result,reason\n{refD},440.00,失败,账号已销户 account closed\n", System.Text.Encoding.GetEncoding("GB18030"));
            await second.SetInputFilesAsync("#import-result", good);
            var summary = second.Locator("#import-summary");
            await Expect(summary).ToContainTextAsync("0 paid (¥0.00), 1 failed (¥440.00");
            await Expect(summary).ToContainTextAsync("The batch is closed");
            await Expect(second.Locator("#import-errors")).ToHaveCountAsync(0);
            await Expect(lines.Filter(new() { HasText = refD })).ToContainTextAsync("account closed");
            await Expect(second.Locator("#batch-title")).ToContainTextAsync("Closed");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "payouts.png"), FullPage = true });

            // The settlement that made the money available: totals by kind, lines, a member's entries.
            await second.Locator(".ld-nav a", new() { HasText = "结算" }).ClickAsync();
            await Expect(second.Locator("h1")).ToContainTextAsync("Settlements");
            await second.Locator(".rz-data-row", new() { HasText = "¥1,360.00" }).First.ClickAsync();
            await Expect(second.Locator(".rz-data-row", new() { HasText = "见点奖 See-point reward" })).ToHaveCountAsync(1);
            var lineA = second.Locator(".rz-data-row", new() { HasText = "¥920.00" });
            await lineA.GetByRole(AriaRole.Button, new() { Name = "条目 Entries" }).ClickAsync();
            await Expect(second.Locator(".rz-dialog .rz-data-row").First).ToContainTextAsync("o");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "settlements.png"), FullPage = true });
        });
    }
}
