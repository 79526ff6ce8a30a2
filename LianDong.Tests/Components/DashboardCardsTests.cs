using Bunit;
using LianDong.Console.Features.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace LianDong.Tests.Components;

public class DashboardCardsTests : BunitContext
{
    public DashboardCardsTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private static DashboardFigures Figures() => new(1_000_000, 300_000, 20_000, new NewCounts(12, 80, 400), new NewCounts(1, 5, 30),
        PostedFen: 123_456_78, SettledFen: 100_000_00, PaidFen: 50_000_01, FrozenFen: 2_000_00, ForfeitedFen: 600_00, SupportFundFen: 550_00,
        Packs: [], Growth: [], RewardsByKind: [], LastRun: null);

    [Fact]
    public void Cards_show_members_by_rank_growth_money_in_yuan_and_the_fund()
    {
        var cut = Render<DashboardCards>(p => p.Add(x => x.Figures, Figures()));
        string Card(string name) => cut.Find($"[data-card={name}]").TextContent;
        Assert.Contains("1,000,000", Card("members"));
        Assert.Contains("代理 Agents 300,000 · 合伙人 Partners 20,000 · 普通用户 Members 680,000", Card("members"));
        Assert.Contains("7天 7 days 80 · 30天 30 days 400", Card("new-agents"));
        Assert.Contains("12", cut.Find("[data-card=new-agents] .ld-card-value").TextContent);
        Assert.Equal("¥123,456.78", cut.Find("[data-card=rewards] .ld-card-value").TextContent);
        Assert.Contains("已结算 Settled ¥100,000.00 · 已支付 Paid ¥50,000.01", Card("rewards"));
        Assert.Contains("已没收 Forfeited ¥600.00", Card("frozen"));
        Assert.Equal("¥550.00", cut.Find("[data-card=fund] .ld-card-value").TextContent);
        Assert.Contains("尚未运行 never run", Card("fund"));
    }
}
