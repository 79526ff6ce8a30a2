using Bunit;
using LianDong.Console.Features.Dashboard;
using LianDong.Console.Localization;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;

namespace LianDong.Tests.Components;

/// <summary>The dashboard's cards: amounts as yuan with separators, counts with separators, one language at a time.</summary>
public class DashboardCardsTests : MudTestContext
{
    private static DashboardFigures Figures() => new(1_000_000, 300_000, 20_000, new NewCounts(12, 80, 4_000), new NewCounts(1, 5, 30),
        PostedFen: 123_456_78, SettledFen: 100_000_00, PaidFen: 50_000_01, FrozenFen: 2_000_00, ForfeitedFen: 600_00, SupportFundFen: 550_00,
        Packs: [], Growth: [], RewardsByKind: [], LastRun: null);

    private static MerchantFigures Merchant() => new("M1", "好物商城", new SalesWindow(1, 49_900), new SalesWindow(12, 598_800), new SalesWindow(1_234, 61_576_600),
        PacksOn: 2, Packs: 3, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 30), PayablesThisMonthFen: 22_088_600, Refunds: 3, RefundedFen: 149_700);

    [Fact]
    public void Cards_show_members_by_rank_growth_money_in_yuan_and_the_fund()
    {
        var cut = Render<DashboardCards>(p => p.Add(x => x.Figures, Figures()));
        string Card(string name) => cut.Find($"[data-card={name}]").TextContent;
        Assert.Equal("1,000,000", cut.Find("[data-card=members] .ld-card-value").TextContent);
        Assert.Contains("代理 300,000 · 合伙人 20,000 · 普通用户 680,000", Card("members"));
        Assert.Equal("12", cut.Find("[data-card=new-agents] .ld-card-value").TextContent);
        Assert.Contains("今天 · 近 7 天 80 · 近 30 天 4,000", Card("new-agents"));
        Assert.Equal("¥123,456.78", cut.Find("[data-card=rewards] .ld-card-value").TextContent);
        Assert.Contains("已结算 ¥100,000.00 · 已支付 ¥50,000.01", Card("rewards"));
        Assert.Contains("已没收 ¥600.00", Card("frozen"));
        Assert.Equal("¥550.00", cut.Find("[data-card=fund] .ld-card-value").TextContent);
        Assert.Contains("夜间结算：尚未运行", Card("fund"));
        Assert.DoesNotContain("Members", cut.Markup);
    }

    [Fact]
    public void In_English_the_cards_are_English_only()
    {
        UseCulture(UiCulture.English);
        var cut = Render<DashboardCards>(p => p.Add(x => x.Figures, Figures()));
        Assert.Contains("Agents 300,000 · Partners 20,000 · Members 680,000", cut.Find("[data-card=members]").TextContent);
        Assert.Contains("today · 80 in 7 days · 4,000 in 30 days", cut.Find("[data-card=new-agents]").TextContent);
        Assert.Contains("Settled ¥100,000.00 · Paid ¥50,000.01", cut.Find("[data-card=rewards]").TextContent);
        Assert.Contains("Last nightly run: never run", cut.Find("[data-card=fund]").TextContent);
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", cut.Find(".ld-cards").TextContent);
    }

    [Fact]
    public void The_last_nightly_run_shows_its_date_state_and_local_time()
    {
        var run = new NightlyRun(new DateOnly(2026, 1, 8), new DateTimeOffset(2026, 1, 8, 16, 5, 0, TimeSpan.Zero), "nightly", "host:1:1");
        var cut = Render<DashboardCards>(p => p.Add(x => x.Figures, Figures() with { LastRun = run }));
        Assert.Contains("夜间结算：2026-01-08 运行中（2026-01-09 00:05）", cut.Find("[data-card=fund]").TextContent);
    }

    [Fact]
    public void A_merchants_cards_name_it_and_show_its_sales_packs_payables_and_refunds()
    {
        var cut = Render<MerchantCards>(p => p.Add(x => x.Figures, Merchant()));
        string Card(string name) => cut.Find($"[data-card={name}]").TextContent;
        Assert.Equal("好物商城 的经营概况", cut.Find("[data-testid=merchant-name]").TextContent);
        Assert.Equal(
            ["¥499.00", "¥5,988.00", "¥615,766.00", "2", "¥220,886.00", "¥1,497.00"],
            cut.FindAll(".ld-card-value").Select(v => v.TextContent));
        Assert.Equal(["1 笔订单", "12 笔订单", "1,234 笔订单"], cut.FindAll(".ld-card-line").Take(3).Select(l => l.TextContent));
        Assert.Contains("2026-01-01 至 2026-01-30", Card("payables"));
        Assert.Contains("退款订单 3 笔", Card("refunds"));

        UseCulture(UiCulture.English);
        cut = Render<MerchantCards>(p => p.Add(x => x.Figures, Merchant()));
        Assert.Equal("好物商城 at a glance", cut.Find("[data-testid=merchant-name]").TextContent);
        Assert.Contains("Sales · Last 7 days", Card("sales-7"));
        Assert.Equal(["1 order", "12 orders", "1,234 orders"], cut.FindAll(".ld-card-line").Take(3).Select(l => l.TextContent));
        Assert.Contains("Refunded orders: 3", Card("refunds"));
    }
}
