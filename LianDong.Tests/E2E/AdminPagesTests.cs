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
        await Expect(page.Locator("h1")).ToContainTextAsync("概览");
        return page;
    }

    private async Task OpenAsync(IPage page, string path, string heading)
    {
        await page.GotoAsync(path);
        await Expect(page.Locator("h1")).ToContainTextAsync(heading);
        await BrowserFixture.WaitForCircuitAsync(page);
    }

    private Task ShotAsync(IPage page, string name) => page.ScreenshotAsync(new() { Path = Path.Combine(Fx.ScreenshotFolder, name + ".png") });

    [Fact]
    public async Task Find_a_member_by_name_prefix_and_open_the_tree_at_them_with_the_path_expanded()
    {
        var page = await SignedInAsync();
        await Fx.ScenarioAsync(page, "team-find", async () =>
        {
            await OpenAsync(page, "/team", "Team");
            await page.Locator("input[name=find]").FillAsync("赵");
            await page.GetByRole(AriaRole.Button, new() { Name = "查找 Find" }).ClickAsync();
            // G (赵敏) is under A → D: both open, G selected; D shows its jump-out from A's team.
            await Expect(page.Locator("[data-member=G] > .ld-node-row.ld-selected")).ToContainTextAsync("赵敏 (G)");
            await Expect(page.Locator("[data-member=A] > .ld-node-row")).ToContainTextAsync("合伙人 Partner");
            await Expect(page.Locator("[data-member=D] > .ld-node-row")).ToContainTextAsync("原队长 former leader: 王芳 (A)");
            await Expect(page.Locator("[data-member=G] > .ld-node-row")).ToContainTextAsync("队长 Leader: 张伟 (D)");
            await ShotAsync(page, "team");

            // By phone, then the team view: E was placed in A's team before D's upgrade (the "走2" slide).
            await page.Locator("input[name=find]").FillAsync("13800000005");
            await page.GetByRole(AriaRole.Button, new() { Name = "查找 Find" }).ClickAsync();
            await Expect(page.Locator("[data-member=E] > .ld-node-row.ld-selected")).ToContainTextAsync("刘洋 (E)");
            await page.GetByText("团队 Team view").ClickAsync();
            await Expect(page.Locator("h3", new() { HasText = "的团队 team" })).ToContainTextAsync("王芳 (A)");
            await Expect(page.Locator("[data-member=F] > .ld-node-row")).ToContainTextAsync("滑落至 slid to 王芳 (A)");
            await Expect(page.Locator("[data-member]")).ToHaveCountAsync(2);
            await ShotAsync(page, "team-view");
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
            await Expect(page.Locator(".rz-data-row", new() { HasText = "ruleset.publish" }).Filter(new() { HasText = "ruleset:v2" }))
                .ToContainTextAsync(Fx.Console.AdminEmail);
            await Expect(page.Locator(".rz-data-row", new() { HasText = "ruleset.withdraw" }).Filter(new() { HasText = "ruleset:v2" }))
                .ToContainTextAsync(Fx.Console.AdminEmail);
            await page.Locator("input[name=subject]").FillAsync("ruleset:");
            await page.GetByRole(AriaRole.Button, new() { Name = "筛选 Filter" }).ClickAsync();
            await Expect(page.Locator(".rz-data-row")).ToHaveCountAsync(3);
            await ShotAsync(page, "audit-filtered");
        });
    }

    [Fact]
    public async Task A_grant_from_the_support_fund_takes_two_steps_and_changes_the_balance()
    {
        var page = await SignedInAsync();
        await Fx.ScenarioAsync(page, "support-fund-grant", async () =>
        {
            await OpenAsync(page, "/support-fund", "Support fund");
            var balance = page.Locator(".ld-fund-balance");
            var before = await balance.TextContentAsync();
            Assert.Matches(@"^¥\d+\.\d\d$", before);

            await page.Locator("input[name=grantMember]").FillAsync("G");
            await page.Locator("input[name=grantAmount]").FillAsync("abc");
            await page.Locator("input[name=grantReason]").FillAsync("帮扶 hardship");
            await page.GetByRole(AriaRole.Button, new() { Name = "下一步 Review" }).ClickAsync();
            await Expect(page.Locator(".ld-field-error[data-field=Amount]")).ToContainTextAsync("Enter an amount in yuan");

            await page.Locator("input[name=grantAmount]").FillAsync("10.00");
            await page.GetByRole(AriaRole.Button, new() { Name = "下一步 Review" }).ClickAsync();
            await Expect(page.Locator(".ld-grant-confirm")).ToContainTextAsync("赵敏 (G)");
            await Expect(page.Locator(".ld-grant-confirm")).ToContainTextAsync("¥10.00");
            await Expect(balance).ToHaveTextAsync(before!); // nothing posted yet
            await ShotAsync(page, "support-fund-confirm");
            await page.GetByRole(AriaRole.Button, new() { Name = "确认发放 Confirm grant" }).ClickAsync();

            var expected = LianDong.Domain.Money.FromFen(LianDong.Console.Features.Shared.Display.ParseYuan(before)!.Value - 1000).ToString();
            await Expect(balance).ToHaveTextAsync(expected);
            await Expect(page.Locator(".rz-data-row", new() { HasText = "帮扶 hardship" })).ToContainTextAsync("-¥10.00");
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
            await page.Locator("button.ld-refresh").ClickAsync();
            await Expect(page.Locator("[data-card=members] .ld-card-value")).ToHaveTextAsync("9");
            await Expect(page.Locator("[data-card=fund]")).ToContainTextAsync("Completed");
            await Expect(page.Locator(".rz-data-row", new() { HasText = "GP499" })).ToContainTextAsync("%");
            await ShotAsync(page, "dashboard");

            await OpenAsync(page, "/members", "Members");
            await Expect(page.Locator(".rz-data-row")).ToHaveCountAsync(9);
            await ShotAsync(page, "members");

            await OpenAsync(page, "/members/D", "张伟");
            await Expect(page.Locator(".ld-page")).ToContainTextAsync("推荐链 Referrer chain: 王芳 (A)");
            await Expect(page.Locator(".ld-page")).ToContainTextAsync("已过期 Expired");
            await Expect(page.Locator(".ld-page")).ToContainTextAsync("已没收 Forfeited");
            await ShotAsync(page, "member-detail");
            await page.Locator("a.ld-open-tree").ClickAsync();
            await Expect(page.Locator("[data-member=D] > .ld-node-row.ld-selected")).ToContainTextAsync("张伟 (D)");

            await OpenAsync(page, "/members/I", "周杰");
            await page.GetByRole(AriaRole.Button, new() { Name = "任命为合伙人 Appoint as partner" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "确认任命 Appoint" }).ClickAsync();
            await Expect(page.Locator(".ld-toolbar .rz-badge")).ToContainTextAsync("合伙人 Partner");

            await OpenAsync(page, "/channel-tasks", "渠道任务");
            await Expect(page.Locator(".ld-template")).ToContainTextAsync("目标 1 · 30 天");
            await Expect(page.Locator(".ld-tasks tr.mud-table-row", new() { HasText = "已过期" }).First).ToContainTextAsync("G");
            await ShotAsync(page, "channel-tasks");

            await OpenAsync(page, "/audit", "审计日志");
            await Expect(page.Locator(".rz-data-row", new() { HasText = "member.appoint" })).ToContainTextAsync("member:I");
            await ShotAsync(page, "audit-log");
        });
    }
}
