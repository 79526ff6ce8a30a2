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

    /// <summary>The confirmation every money action asks first: checks what it states, then confirms.</summary>
    private static async Task ConfirmAsync(IPage page, params string[] states)
    {
        // The testid lands inside MudBlazor's dialog, so the dialog is the container holding it.
        var dialog = page.Locator(".mud-dialog-container", new() { Has = page.Locator("[data-testid=confirm-dialog]") });
        foreach (var text in states) await Expect(dialog).ToContainTextAsync(text);
        await dialog.Locator("[data-testid=confirm-ok]").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
    }

    private static ILocator Toast(IPage page, string text) => page.Locator(".mud-snackbar", new() { HasText = text });

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
    public async Task A_merchant_pages_sorts_and_filters_its_orders_with_the_view_kept_in_the_url_in_either_language()
    {
        var merchantId = await SeedAsync();
        var email = TestSecrets.NewEmail("shop");
        var password = await UserAsync(fx.Console.App.Services, email, merchantId, AppRoles.Merchant);
        var page = await SignedInAsync(email, password);
        await fx.ScenarioAsync(page, "merchant-orders", async () =>
        {
            await page.GotoAsync("/orders");
            await BrowserFixture.WaitForCircuitAsync(page);
            var rows = page.Locator("[data-testid=orders] tbody tr.mud-table-row");
            await Expect(rows).ToHaveCountAsync(7); // the worked example's seven GP499 orders, newest first
            await Expect(rows.First).ToContainTextAsync("oG");
            await Expect(page.Locator("[data-testid=order-totals]")).ToContainTextAsync("7");
            await Expect(page.Locator("[data-testid=orders] tfoot")).ToContainTextAsync("¥3,493.00");

            // Sorting by price goes into the URL.
            await page.Locator("[data-testid=orders] th", new() { HasText = "价格" }).Locator(".sortable-column-header, .column-header").First.ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=PriceFen"));

            // A filter is in the URL too: no orders of another pack; the back button brings the list back.
            await page.FillAsync("#order-pack", "GP999");
            await page.ClickAsync("[data-testid=order-search]");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("pack=GP999"));
            await Expect(page.Locator("[data-testid=orders] .ld-empty")).ToContainTextAsync("暂无数据");
            await page.GoBackAsync();
            await Expect(rows).ToHaveCountAsync(7);
            await Expect(page.Locator("#order-pack")).ToHaveValueAsync(""); // the field follows the URL back

            // Payables for the days typed in, with a total row.
            var day = PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await page.FillAsync("#order-from", day);
            await page.PressAsync("#order-from", "Tab");
            await page.FillAsync("#order-to", day);
            await page.PressAsync("#order-to", "Tab");
            await page.ClickAsync("[data-testid=payables-compute]");
            var payables = page.Locator("[data-testid=payables]");
            await Expect(payables.Locator("tbody tr", new() { HasText = "GP499" })).ToContainTextAsync("¥1,253.00");
            await Expect(payables.Locator("tfoot")).ToContainTextAsync("合计");
            await Expect(payables.Locator("tfoot")).ToContainTextAsync("¥1,253.00");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "orders.png"), FullPage = true });

            // The same link in English shows the same view in English only.
            await page.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=en-US|uic=en-US", Url = fx.Console.BaseAddress.ToString() }]);
            await page.GotoAsync("/orders?status=Paid&size=10");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.Locator("h1")).ToContainTextAsync("Orders");
            await Expect(rows).ToHaveCountAsync(7);
            await Expect(page.Locator("[data-testid=order-totals]")).ToContainTextAsync("7 orders");
            await Expect(page.Locator("[data-testid=orders] thead")).ToContainTextAsync("Price");
            await Expect(page.Locator("[data-testid=orders] thead")).Not.ToContainTextAsync("价格");
            await page.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "orders-en.png"), FullPage = true });
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
            await page.ClickAsync("[data-testid=preview-payout]");
            await Expect(page.Locator("[data-testid=payout-excluded] tr", new() { HasText = "没有收款账户" })).ToContainTextAsync("¥440.00");
            // Finance fills in D's payout account from the list of members left out; a bad number is refused under its field first.
            await page.ClickAsync("[data-testid=account-D]");
            var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("#account-no") });
            await dialog.Locator("#account-name").FillAsync("李四");
            await dialog.Locator("#account-bank").FillAsync("建设银行");
            await dialog.Locator("#account-no").FillAsync("12");
            await dialog.Locator("#save-account").ClickAsync();
            await Expect(dialog.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("账号须为 6–34 位字母或数字");
            await dialog.Locator("#account-no").FillAsync("6227 0012 3456 7890");
            await dialog.Locator("#save-account").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(Toast(page, "收款账户已保存")).ToHaveCountAsync(1);
            await Expect(page.Locator("[data-testid=payout-to-pay]")).ToContainTextAsync("¥1,360.00");
            await page.ClickAsync("[data-testid=build-payout]");
            await ConfirmAsync(page, "2", "¥1,360.00");
            await Expect(Toast(page, "须由另一位财务或管理员审批")).ToHaveCountAsync(1);
            await Expect(page.Locator("[data-testid=batch-title]")).ToContainTextAsync("待审批");
            // The creator's own approval is refused, in Chinese.
            await page.ClickAsync("[data-testid=approve-batch]");
            await ConfirmAsync(page, "¥1,360.00");
            await Expect(Toast(page, $"由 {email1} 生成，须由另一位财务或管理员审批")).ToHaveCountAsync(1);
            await Expect(page.Locator("[data-testid=batch-title]")).ToContainTextAsync("待审批");
        });

        var second = await SignedInAsync(email2, password2);
        await fx.ScenarioAsync(second, "payout-approve", async () =>
        {
            await second.GotoAsync("/payouts");
            await BrowserFixture.WaitForCircuitAsync(second);
            await second.Locator("[data-testid=payout-batches] tr", new() { HasText = "待审批" }).First.Locator("a").ClickAsync();
            await BrowserFixture.WaitForCircuitAsync(second);
            await second.ClickAsync("[data-testid=approve-batch]");
            await ConfirmAsync(second, "¥1,360.00");
            await Expect(second.Locator("[data-testid=batch-title]")).ToContainTextAsync("已审批");
            await Expect(Toast(second, "已审批")).ToHaveCountAsync(1);

            // Lines are marked only once the bank file exists.
            await Expect(second.Locator("[data-testid=mark-after-export]")).ToBeVisibleAsync();
            await Expect(second.Locator("[data-testid=payout-lines] button", new() { HasText = "已付" })).ToHaveCountAsync(0);
            var download = await second.RunAndWaitForDownloadAsync(() => second.ClickAsync("[data-testid=export-batch]"));
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
            await Expect(second.Locator("[data-testid=batch-title]")).ToContainTextAsync("已导出");
            var lines = second.Locator("[data-testid=payout-lines] tr.mud-table-row");
            await Expect(lines.Filter(new() { HasText = "****7890" })).ToHaveCountAsync(1); // the screen stays masked

            var refA = (await lines.Filter(new() { HasText = "¥920.00" }).Locator("[data-testid=line-reference]").InnerTextAsync()).Trim();
            var refD = (await lines.Filter(new() { HasText = "¥440.00" }).Locator("[data-testid=line-reference]").InnerTextAsync()).Trim();
            await second.ClickAsync($"[data-testid=paid-{refA}]");
            await ConfirmAsync(second, "¥920.00", "A");
            await Expect(lines.Filter(new() { HasText = refA })).ToContainTextAsync("已付");
            await Expect(Toast(second, $"{refA} 已标记为已付")).ToHaveCountAsync(1);

            // The bank's result: a file with wrong rows is refused whole and the page lists each row and why.
            var bad = Path.Combine(fx.ScreenshotFolder, "bank-result-bad.csv");
            await File.WriteAllTextAsync(bad, $"reference,amount,result,reason\n{refD},440.01,failed,账号已销户 account closed\nPB999999-000001,1.00,paid,\n");
            await second.SetInputFilesAsync("#import-result", bad);
            await ConfirmAsync(second, "bank-result-bad.csv", "¥441.01");
            var errors = second.Locator("[data-testid=import-errors]");
            await Expect(errors).ToContainTextAsync("未导入，未做任何更改");
            var refused = errors.Locator("[data-testid=refused-row]");
            await Expect(refused).ToHaveCountAsync(2);
            await Expect(refused.Nth(0)).ToContainTextAsync($"2{refD} 的金额 ¥440.01 与批次中的 ¥440.00 不符。");
            await Expect(refused.Nth(1)).ToContainTextAsync("3参考号 PB999999-000001 不是 PB");
            await Expect(second.Locator("[data-testid=import-summary]")).ToHaveCountAsync(0);
            await Expect(lines.Filter(new() { HasText = refD })).ToContainTextAsync("待支付");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "payout-import-refused.png"), FullPage = true });

            // The corrected file, in GBK as many bank portals write it: applied, and the page says what it did.
            var good = Path.Combine(fx.ScreenshotFolder, "bank-result-good.csv");
            System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
            await File.WriteAllTextAsync(good, $"reference,amount,result,reason\n{refD},440.00,失败,账号已销户 account closed\n", System.Text.Encoding.GetEncoding("GB18030"));
            await second.SetInputFilesAsync("#import-result", good);
            await ConfirmAsync(second, "bank-result-good.csv", "¥440.00");
            var summary = second.Locator("[data-testid=import-summary]");
            await Expect(summary.Locator("[data-testid=import-paid]")).ToHaveTextAsync("0 笔 · ¥0.00");
            await Expect(summary.Locator("[data-testid=import-failed]")).ToHaveTextAsync("1 笔 · ¥440.00");
            await Expect(summary.Locator("[data-testid=import-pending]")).ToHaveTextAsync("0 笔");
            await Expect(summary.Locator("[data-testid=import-closed]")).ToContainTextAsync("批次已完成");
            await Expect(second.Locator("[data-testid=import-errors]")).ToHaveCountAsync(0);
            await Expect(Toast(second, "银行结果已导入")).ToHaveCountAsync(1);
            await Expect(lines.Filter(new() { HasText = refD })).ToContainTextAsync("失败：账号已销户 account closed");
            await Expect(second.Locator("[data-testid=batch-title]")).ToContainTextAsync("已完成");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "payouts.png"), FullPage = true });

            // The settlement that made the money available: the days with their total row, a day by kind and by member, a member's entries.
            await second.Locator(".ld-nav a", new() { HasText = "结算" }).ClickAsync();
            await Expect(second.Locator("h1")).ToContainTextAsync("结算");
            await Expect(second.Locator("[data-testid=settlements-total-amount]")).ToContainTextAsync("¥");
            await second.Locator("[data-testid=settlement-batches] tr", new() { HasText = "¥1,360.00" }).First.Locator("a").First.ClickAsync();
            await BrowserFixture.WaitForCircuitAsync(second);
            await Expect(second.Locator("[data-testid=settlement-kinds] tr", new() { HasText = "见点奖" })).ToHaveCountAsync(1);
            await Expect(second.Locator("[data-testid=kinds-total]")).ToHaveTextAsync("¥1,360.00");
            await second.ClickAsync("[data-testid=entries-A]");
            await Expect(second.Locator("[data-testid=settled-entries] tbody tr.mud-table-row").First).ToContainTextAsync("o");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "settlements.png"), FullPage = true });
        });
    }
}
