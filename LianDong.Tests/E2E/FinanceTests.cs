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
        var t0 = DateTimeOffset.UtcNow.AddDays(-10);
        await new RuleSetService(dbs, new TestClock(t0.AddMinutes(-1))).PublishAsync(RuleParameters.Defaults, t0, "test");
        long merchantId;
        await using (var db = await dbs.CreateDbContextAsync())
        {
            var m = new Merchant("E2E", "链动优选 E2E shop", null, t0);
            db.Merchants.Add(m);
            await db.SaveChangesAsync();
            merchantId = m.Id;
        }
        var packs = sp.GetRequiredService<PackService>();
        await packs.CreateAsync(merchantId, "GP499", "GP499", 49900, 17900, 100);
        await packs.SwitchOnAsync("GP499", "test");
        var engine = sp.GetRequiredService<RewardEngineService>();
        var at = t0.AddMinutes(1);
        foreach (var (m, r) in new[] { ("A", (string?)null), ("B", "A"), ("C", "A"), ("D", "A"), ("E", "D"), ("F", "D"), ("G", "D") })
        {
            at = at.AddMinutes(2);
            await engine.ApplyAsync(new RegisterMember(m, r, at));
            await engine.ApplyAsync(new PayPackOrder("o" + m, m, "GP499", at.AddMinutes(1)));
        }
        await sp.GetRequiredService<NightlyRunService>().RunAsync(PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-1), "test");
        await sp.GetRequiredService<PayoutAccountService>().SetAsync("A", "王小明", "招商银行", "6225880112345678", "test");
        return merchantId;
    }

    private async Task<IPage> SignedInAsync(string email, string password)
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/account/login");
        await BrowserFixture.SubmitLoginAsync(page, email, password);
        await Expect(page.Locator("h1")).ToContainTextAsync("Dashboard");
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
            await Expect(page.Locator(".rz-data-row", new() { HasText = "GP499" })).ToHaveCountAsync(1);
            await page.ClickAsync("#new-pack");
            var dialog = page.Locator(".rz-dialog");
            await dialog.Locator("input[name=Code]").FillAsync(code);
            await dialog.Locator("input[name=Name]").FillAsync("新春礼包 Spring pack");
            await dialog.Locator("input[name=Price]").FillAsync("599.00");
            await dialog.Locator("input[name=Cost]").FillAsync("199.00");
            await dialog.Locator("input[name=Cost]").PressAsync("Tab");
            await Expect(dialog.Locator("#pack-compliance")).ToContainTextAsync("can be switched on");
            await page.ClickAsync("#save-pack");
            await Expect(dialog).ToHaveCountAsync(0);
            var row = page.Locator(".rz-data-row", new() { HasText = code });
            await Expect(row).ToContainTextAsync("已下架 Off");
            await Expect(row).ToContainTextAsync("¥599.00");
            await page.ClickAsync($"#switch-{code}");
            await Expect(row).ToContainTextAsync("已上架 On");
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

            var download = await second.RunAndWaitForDownloadAsync(() => second.ClickAsync("#export-batch"));
            var path = Path.Combine(fx.ScreenshotFolder, "payout-bank-file.xlsx");
            await download.SaveAsAsync(path);
            await using (var file = File.OpenRead(path))
            using (var x = new XlsxReader(file))
            {
                var rows = XlsxReader.Rows(x.Sheet("提现明细"));
                Assert.Equal(5, rows.Count);
                Assert.Equal(136000, XlsxReader.Fen(XlsxReader.CellAt(rows[^1], "D")));
                Assert.Contains(rows, r => r.InnerText.Contains("****7890"));
            }

            var lines = second.Locator("#payout-lines .rz-data-row");
            var refA = (await lines.Filter(new() { HasText = "¥920.00" }).Locator("td").First.InnerTextAsync()).Trim();
            var refD = (await lines.Filter(new() { HasText = "¥440.00" }).Locator("td").First.InnerTextAsync()).Trim();
            await second.ClickAsync($"#paid-{refA}");
            await Expect(lines.Filter(new() { HasText = refA })).ToContainTextAsync("已付 Paid");
            await second.Locator("#fail-reason").FillAsync("账号已销户 account closed");
            await second.Locator("#fail-reason").PressAsync("Tab");
            await second.ClickAsync($"#failed-{refD}");
            await Expect(lines.Filter(new() { HasText = refD })).ToContainTextAsync("account closed");
            await Expect(second.Locator("#batch-title")).ToContainTextAsync("Closed");
            await second.ScreenshotAsync(new() { Path = Path.Combine(fx.ScreenshotFolder, "payouts.png"), FullPage = true });

            // The settlement that made the money available: totals by kind, lines, a member's entries.
            await second.Locator(".ld-nav a", new() { HasText = "Settlements" }).ClickAsync();
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
