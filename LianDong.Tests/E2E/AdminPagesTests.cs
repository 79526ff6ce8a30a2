using LianDong.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LianDong.Tests.E2E;

/// <summary>The admin pages of issue 5 in Chromium on demo data made through the engine (see <see cref="AdminBrowserFixture"/>).</summary>
public class AdminPagesTests(AdminBrowserFixture afx) : IClassFixture<AdminBrowserFixture>
{
    private BrowserFixture Fx => afx.Browser;

    private async Task<IPage> SignedInAsync()
    {
        var page = await Fx.NewPageAsync();
        await page.GotoAsync("/account/login");
        await BrowserFixture.SubmitLoginAsync(page, Fx.Console.AdminEmail, Fx.Console.AdminPassword);
        await Expect(page.Locator("h1")).ToContainTextAsync(Title("/"));
        return page;
    }

    private async Task OpenAsync(IPage page, string path, string heading)
    {
        await page.GotoAsync(path);
        await Expect(page.Locator("h1")).ToContainTextAsync(heading);
        await BrowserFixture.WaitForCircuitAsync(page);
    }

    /// <summary>A menu page's heading in the browser's language (zh-CN).</summary>
    private static string Title(string path) => LianDong.Console.Navigation.NavCatalog.For(path).TitleIn(LianDong.Console.Localization.UiCulture.Chinese);

    private Task ShotAsync(IPage page, string name) => page.ScreenshotAsync(new() { Path = Path.Combine(Fx.ScreenshotFolder, name + ".png") });

    [Fact]
    public async Task Find_a_member_by_name_prefix_and_open_the_tree_at_them_with_the_path_expanded()
    {
        var page = await SignedInAsync();
        await Fx.ScenarioAsync(page, "team-find", async () =>
        {
            await OpenAsync(page, "/team", Title("/team"));
            async Task FindAsync(string text)
            {
                await page.Locator("input[name=find]").FillAsync(text);
                await page.Locator("[data-testid=team-find]").ClickAsync();
            }
            await FindAsync("赵");
            // G (赵敏) is under A → D: both open, G selected; D shows its jump-out from A's team.
            await Expect(page.Locator("[data-testid=team-message]")).ToHaveTextAsync("找到 1 名会员");
            await Expect(page.Locator(".ld-node-row.ld-selected[data-member=G]")).ToContainTextAsync("赵敏 (G)");
            await Expect(page.Locator(".ld-node-row[data-member=A]")).ToContainTextAsync("合伙人");
            await Expect(page.Locator(".ld-node-row[data-member=D]")).ToContainTextAsync("原队长：王芳 (A)");
            await Expect(page.Locator(".ld-node-row[data-member=G]")).ToContainTextAsync("队长：张伟 (D)");
            await Expect(page.Locator(".ld-node-row[data-member=G]")).ToBeInViewportAsync();
            await ShotAsync(page, "team");

            // By phone, then the team view: E was placed in A's team before D's upgrade (the "走2" slide).
            await FindAsync("13800000005");
            await Expect(page.Locator(".ld-node-row.ld-selected[data-member=E]")).ToContainTextAsync("刘洋 (E)");
            await page.GetByText("团队视图").ClickAsync();
            await Expect(page.Locator("[data-testid=team-partner]")).ToContainTextAsync("王芳 (A) 的团队");
            await Expect(page.Locator(".ld-node-row[data-member=F]")).ToContainTextAsync("滑落至 王芳 (A)");
            await Expect(page.Locator(".ld-node-row")).ToHaveCountAsync(2);
            await ShotAsync(page, "team-view");

            // A search that finds nothing says so and clears the previous result.
            await FindAsync("钱");
            await Expect(page.Locator("[data-testid=team-message]")).ToHaveTextAsync("没有找到与“钱”匹配的会员。");
            await Expect(page.Locator(".ld-node-row.ld-selected")).ToHaveCountAsync(0);
            await Expect(page.Locator("[data-testid=team-partner]")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_rule_set_breaking_the_margin_is_refused_and_a_valid_one_is_published_into_the_history_and_the_audit_log_then_withdrawn()
    {
        var page = await SignedInAsync();
        await Fx.ScenarioAsync(page, "rules-publish", async () =>
        {
            await OpenAsync(page, "/rules", "规则");
            await page.Locator("input[name=seePointReward]").FillAsync("250");
            await page.Locator("input[name=seePointReward]").PressAsync("Tab");
            await Expect(page.Locator(".ld-compliance li")).ToContainTextAsync("礼包 GP499：单笔最高奖励 ¥375.00 超过礼包毛利 ¥320.00");
            await Expect(page.Locator("button.ld-publish")).ToBeDisabledAsync();
            await Expect(page.Locator(".ld-blocked")).ToContainTextAsync("不能发布");
            await ShotAsync(page, "rules-refused");

            await page.Locator("input[name=seePointReward]").FillAsync("180.00");
            await page.Locator("input[name=seePointReward]").PressAsync("Tab");
            await Expect(page.Locator(".ld-compliance-ok")).ToContainTextAsync("通过全部限制");
            await Expect(page.Locator(".ld-summary").First).ToContainTextAsync("得见点奖 ¥180.00");

            await page.Locator("button.ld-whatif").ClickAsync();
            await Expect(page.Locator(".ld-whatif-panel")).ToContainTextAsync("见点奖");
            await Expect(page.Locator(".ld-whatif-panel .ld-total").First).ToContainTextAsync("合计");
            await page.Locator(".ld-whatif-panel").ScrollIntoViewIfNeededAsync();
            await ShotAsync(page, "rules-whatif");

            await page.Locator("button.ld-publish").ClickAsync();
            var confirm = page.Locator("[data-testid=confirm-dialog]");
            await Expect(confirm).ToContainTextAsync("¥200.00 → ¥180.00");
            await page.Locator("[data-testid=confirm-ok]").ClickAsync();
            await page.GetByRole(AriaRole.Tab, new() { Name = "历史版本" }).ClickAsync();
            var v2 = page.Locator(".ld-rule-history tr.ld-version-row", new() { HasText = "v2" });
            await Expect(v2).ToContainTextAsync("¥180.00");
            await Expect(v2).ToContainTextAsync(Fx.Console.AdminEmail);
            await ShotAsync(page, "rules-history");

            // v2 is scheduled (not yet in effect): it alone offers 撤回, which asks first, naming v2, its time and v1 staying in force.
            await Expect(page.Locator("button.ld-withdraw")).ToHaveCountAsync(1);
            await v2.Locator("button.ld-withdraw").ClickAsync();
            var dialog = page.Locator("[data-testid=confirm-dialog]");
            await Expect(dialog).ToContainTextAsync("v2 原定于");
            await Expect(dialog).ToContainTextAsync("（北京时间）生效，撤回后永不生效。");
            await Expect(dialog).ToContainTextAsync("v1（继续执行）");
            await ShotAsync(page, "rules-withdraw-confirm");
            await page.Locator("[data-testid=confirm-ok]").ClickAsync();
            await Expect(v2).ToContainTextAsync("已撤回");
            await Expect(page.Locator("button.ld-withdraw")).ToHaveCountAsync(0);
            await ShotAsync(page, "rules-withdrawn");

            await OpenAsync(page, "/audit", "审计日志");
            var auditRows = page.Locator(".mud-table-body tr");
            await Expect(auditRows.Filter(new() { HasText = "发布规则版本" }).Filter(new() { HasText = "ruleset:v2" }))
                .ToContainTextAsync(Fx.Console.AdminEmail);
            await Expect(auditRows.Filter(new() { HasText = "撤回规则版本" }).Filter(new() { HasText = "ruleset:v2" }))
                .ToContainTextAsync(Fx.Console.AdminEmail);
            // Newest first: the withdrawal is above the publication.
            await Expect(auditRows.First).ToContainTextAsync("撤回规则版本");
            await page.GetByTestId("audit-subject").FillAsync("ruleset:");
            await page.GetByTestId("audit-subject").PressAsync("Enter");
            await Expect(auditRows).ToHaveCountAsync(3);
            // Values are read as text: no JSON braces or \u escapes.
            await Expect(page.Locator(".mud-table-body")).Not.ToContainTextAsync("{\"");
            await Expect(page.Locator(".mud-table-body")).Not.ToContainTextAsync("\\u");
            await ShotAsync(page, "audit-filtered");
        });
    }

    [Fact]
    public async Task A_grant_from_the_support_fund_takes_two_steps_and_changes_the_balance()
    {
        var page = await SignedInAsync();
        await Fx.ScenarioAsync(page, "support-fund-grant", async () =>
        {
            await OpenAsync(page, "/support-fund", "帮扶基金");
            var balance = page.Locator(".ld-fund-balance");
            var before = await balance.TextContentAsync();
            Assert.Matches(@"^-?¥[\d,]+\.\d\d$", before);

            // A wrong amount is named under its field, in Chinese; nothing is asked yet.
            await page.FillAsync("#grantMember", "G");
            await page.FillAsync("#grantAmount", "abc");
            await page.FillAsync("#grantReason", "帮扶 hardship");
            await page.ClickAsync("[data-testid=grant-review]");
            await Expect(page.Locator(".ld-grant-amount .mud-input-helper-text.mud-input-error")).ToContainTextAsync("请输入金额（元）");
            await Expect(page.Locator("[data-testid=confirm-dialog]")).ToHaveCountAsync(0);

            // Right: the confirmation names the member and the amount before anything is posted.
            await page.FillAsync("#grantAmount", "10.00");
            await page.ClickAsync("[data-testid=grant-review]");
            var confirm = page.Locator(".mud-dialog-container", new() { Has = page.Locator("[data-testid=confirm-dialog]") });
            await Expect(confirm).ToContainTextAsync("赵敏 (G)");
            await Expect(confirm).ToContainTextAsync("¥10.00");
            await Expect(balance).ToHaveTextAsync(before!); // nothing posted yet
            await ShotAsync(page, "support-fund-confirm");
            await confirm.Locator("[data-testid=confirm-ok]").ClickAsync();

            var expected = LianDong.Console.Features.Shared.Display.Yuan(LianDong.Console.Features.Shared.Display.ParseYuan(before)!.Value - 1000);
            await Expect(balance).ToHaveTextAsync(expected);
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "已向 赵敏 (G) 发放 ¥10.00" })).ToHaveCountAsync(1);
            await Expect(page.Locator("[data-testid=fund-movements] tr", new() { HasText = "帮扶 hardship" })).ToContainTextAsync("-¥10.00");
            await ShotAsync(page, "support-fund");
        });
    }

    [Fact]
    public async Task Every_admin_page_renders_with_the_demo_data()
    {
        var page = await SignedInAsync();
        await Fx.ScenarioAsync(page, "admin-pages", async () =>
        {
            await BrowserFixture.WaitForCircuitAsync(page);
            // The snapshot may predate the demo data: refresh it.
            await page.Locator("[data-testid=dashboard-refresh]").ClickAsync();
            await Expect(page.Locator("[data-card=members] .ld-card-value")).ToHaveTextAsync("9");
            await Expect(page.Locator("[data-card=fund]")).ToContainTextAsync("已完成");
            await Expect(page.Locator("[data-testid=pack-ratios] tr", new() { HasText = "GP499" })).ToContainTextAsync("%");
            await Expect(page.Locator("[data-testid=chart-growth] svg").First).ToBeVisibleAsync();
            await ShotAsync(page, "dashboard");

            await OpenAsync(page, "/members", Title("/members"));
            await Expect(page.Locator("[data-testid=member-link]")).ToHaveCountAsync(9);
            await Expect(page.Locator("[data-testid=members-count]")).ToHaveTextAsync("共 9");
            await ShotAsync(page, "members");

            await OpenAsync(page, "/members/D", "张伟");
            await Expect(page.Locator("[data-testid=member-chain]")).ToHaveTextAsync("王芳 (A)");
            await Expect(page.Locator("[data-testid=member-tasks]")).ToContainTextAsync("已过期");
            await Expect(page.Locator(".ld-ledger")).ToContainTextAsync("已没收");
            await ShotAsync(page, "member-detail");
            await page.Locator("[data-testid=ledger-export]").ClickAsync();
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-download]").ClickAsync());
            Assert.StartsWith("ledger-D-", download.SuggestedFilename);
            await page.Keyboard.PressAsync("Escape");
            await page.Locator("a.ld-open-tree").ClickAsync();
            await Expect(page.Locator(".ld-node-row.ld-selected[data-member=D]")).ToContainTextAsync("张伟 (D)");

            await OpenAsync(page, "/members/I", "周杰");
            await page.Locator("[data-testid=appoint-partner]").ClickAsync();
            await Expect(page.Locator("[data-testid=confirm-dialog]")).ToContainTextAsync("任命 I 为种子合伙人");
            await page.Locator("[data-testid=confirm-ok]").ClickAsync();
            await Expect(page.Locator("[data-testid=member-rank]")).ToContainTextAsync("合伙人");

            await OpenAsync(page, "/channel-tasks", "渠道任务");
            await Expect(page.Locator(".ld-template")).ToContainTextAsync("目标 1 · 30 天");
            await Expect(page.Locator(".ld-tasks tr.mud-table-row", new() { HasText = "已过期" }).First).ToContainTextAsync("G");
            await ShotAsync(page, "channel-tasks");

            await OpenAsync(page, "/audit", "审计日志");
            await Expect(page.Locator(".mud-table-body tr", new() { HasText = "任命合伙人" })).ToContainTextAsync("member:I");
            await ShotAsync(page, "audit-log");
        });
    }
}
