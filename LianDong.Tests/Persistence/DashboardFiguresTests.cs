using LianDong.Console.Features.Dashboard;
using LianDong.Domain.Engine;
using LianDong.Tests.Support;

namespace LianDong.Tests.Persistence;

/// <summary>The dashboard's figures on the rule book's worked example (section 11), from a real SQLite file.</summary>
public class DashboardFiguresTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    [Fact]
    public async Task Figures_of_the_worked_example_after_its_nightly_run()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var at = T;
        foreach (var (m, r) in new[] { ("A", (string?)null), ("B", "A"), ("C", "A"), ("D", "A"), ("E", "D"), ("F", "D"), ("G", "D") })
        {
            await h.RegisterAndPayAsync(m, r, at);
            at = at.AddHours(1);
        }
        await h.At(at, new RegisterMember("H", "G", at));
        await h.NightlyAsync(new DateOnly(2026, 1, 8));
        h.Clock.Now = T.AddDays(7).AddHours(20);

        var store = new DashboardSnapshotStore(new DashboardFiguresQuery(h.Db, h.Clock), h.Clock);
        var f = (await store.RefreshAsync()).Figures;

        Assert.Equal((8L, 5L, 2L), (f.Members, f.Agents, f.Partners));
        Assert.Equal((0, 0, 7), (f.NewAgents.Today, f.NewAgents.Last7Days, f.NewAgents.Last30Days));
        Assert.Equal(2, f.NewPartners.Last30Days);
        Assert.Equal(60000 + 80000 + 2000, f.PostedFen);
        Assert.Equal(92000 + 44000, f.SettledFen); // rule book: A 92000, D 44000 available
        Assert.Equal(6000, f.FrozenFen);           // D's share through G, whose task is open
        Assert.Equal((0L, 0L, 0L), (f.PaidFen, f.ForfeitedFen, f.SupportFundFen));
        var pack = Assert.Single(f.Packs);
        Assert.Equal((7 * 49900L, 142000L), (pack.RevenueFen, pack.RewardsFen));
        Assert.Equal(142000 * 1000 / (7 * 49900), pack.PerMille);
        Assert.Equal(new DateOnly(2026, 1, 8), f.LastRun!.BusinessDate);
        Assert.Equal(30, f.Growth.Count);
        Assert.Equal(142000, f.RewardsByKind.Sum(k => k.AmountFen));
    }
}
