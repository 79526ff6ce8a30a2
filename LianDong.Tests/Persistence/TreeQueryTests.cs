using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class TreeQueryTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    private static async Task<EngineTestHost> WorkedExampleAsync()
    {
        var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        foreach (var (m, r, i) in new[] { ("B", "A", 1), ("C", "A", 2), ("D", "A", 3), ("E", "D", 4), ("F", "D", 5), ("G", "D", 6) })
            await h.RegisterAndPayAsync(m, r, T.AddHours(i));
        await h.At(T.AddHours(7), new RegisterMember("H", "G", T.AddHours(7))); // a Member under G
        return h;
    }

    [Fact]
    public async Task Ancestors_come_root_first_from_the_path()
    {
        await using var h = await WorkedExampleAsync();
        var ancestors = await h.Members.GetAncestorsAsync(await h.IdOf("H"));
        Assert.Equal(["A", "D", "G"], ancestors.Select(a => a.ExternalId));
        Assert.Empty(await h.Members.GetAncestorsAsync(await h.IdOf("A")));
    }

    [Fact]
    public async Task Search_finds_by_id_phone_and_name_prefix()
    {
        await using var h = await WorkedExampleAsync();
        await h.At(T.AddHours(9), new RegisterMember("Z1", "H", T.AddHours(9), "张三", "13800000001"));
        await h.At(T.AddHours(9), new RegisterMember("Z2", "H", T.AddHours(9), "张三丰", "13800000002"));
        await h.At(T.AddHours(9), new RegisterMember("Z3", "H", T.AddHours(9), "李四", null));
        Assert.Equal(["Z1", "Z2"], (await h.Members.SearchAsync("张三")).Select(m => m.ExternalId));
        Assert.Equal(["Z2"], (await h.Members.SearchAsync("13800000002")).Select(m => m.ExternalId));
        Assert.Equal(["G"], (await h.Members.SearchAsync("G")).Select(m => m.ExternalId));
        Assert.Empty(await h.Members.SearchAsync("王"));
    }

    [Fact]
    public async Task Direct_referrals_and_team_members_page_by_keyset()
    {
        await using var h = await WorkedExampleAsync();
        var a = await h.IdOf("A");
        var page1 = await h.Members.GetDirectReferralsAsync(a, 0, 2);
        var page2 = await h.Members.GetDirectReferralsAsync(a, page1[^1].Id, 2);
        Assert.Equal(["B", "C"], page1.Select(m => m.ExternalId));
        Assert.Equal(["D"], page2.Select(m => m.ExternalId));
        Assert.Equal(["E", "F"], (await h.Members.GetTeamMembersAsync(a)).Select(m => m.ExternalId));
        Assert.Equal(["G"], (await h.Members.GetTeamMembersAsync(await h.IdOf("D"))).Select(m => m.ExternalId));
    }

    [Fact]
    public async Task The_subtree_pages_through_one_path_range()
    {
        await using var h = await WorkedExampleAsync();
        var d = await h.IdOf("D");
        var page1 = await h.Members.GetSubtreeAsync(d, take: 3);
        var page2 = await h.Members.GetSubtreeAsync(d, page1[^1].Path, page1[^1].Member.Id, take: 3);
        Assert.Equal(["E", "F", "G", "H"], page1.Concat(page2).Select(x => x.Member.ExternalId).Order());
        Assert.Equal(4, page1.Count + page2.Count);
        var all = await h.Members.GetSubtreeAsync(await h.IdOf("A"), take: 100);
        Assert.Equal(7, all.Count);
        Assert.Empty(await h.Members.GetSubtreeAsync(await h.IdOf("H")));
    }

    [Fact]
    public async Task Cached_subtree_counters_equal_a_rebuild_and_a_corrupted_one_is_found_and_fixed()
    {
        await using var h = await WorkedExampleAsync();
        await h.At(T.AddHours(8), new RefundOrder("oE", T.AddHours(8)));          // E back to Member
        await h.At(T.AddHours(9), new AppointPartner("B", "admin", T.AddHours(9)));
        Assert.Empty(await h.Members.VerifyTeamCountersAsync());
        // A: B..H below; C, F, G Agents; B, D Partners; A leads F (E was refunded).  D: E, F, G, H below; leads G.
        Assert.Equal(new TeamCounts(await h.IdOf("A"), 7, 3, 2, 1), await h.Members.GetTeamCountsAsync(await h.IdOf("A")));
        Assert.Equal(new TeamCounts(await h.IdOf("D"), 4, 2, 0, 1), await h.Members.GetTeamCountsAsync(await h.IdOf("D")));
        Assert.Equal(0, (await h.Members.GetTeamCountsAsync(await h.IdOf("C")))!.LedAgents);

        await using (var db = await h.Db.CreateDbContextAsync())
            await db.Members.Where(m => m.ExternalId == "D").ExecuteUpdateAsync(s => s.SetProperty(m => m.TeamSize, 99));
        var diff = Assert.Single(await h.Members.VerifyTeamCountersAsync(fix: true));
        Assert.Equal((99, 4), (diff.Cached.TeamSize, diff.Recomputed.TeamSize));
        Assert.Empty(await h.Members.VerifyTeamCountersAsync());
    }

    [Fact]
    public async Task Balances_equal_the_sums_of_entries_per_status()
    {
        await using var h = await WorkedExampleAsync();
        await h.NightlyAsync(new DateOnly(2026, 1, 8));
        await h.At(T.AddDays(8), new RefundOrder("oF", T.AddDays(8)));
        await using var db = await h.Db.CreateDbContextAsync();
        foreach (var m in await db.Members.Select(m => m.Id).ToListAsync())
        {
            var b = await h.Ledger.GetBalancesAsync(m);
            var rows = await db.LedgerEntries.Where(e => e.BeneficiaryId == m).Select(e => new { e.Status, e.AmountFen }).ToListAsync();
            long Sum(EntryStatus s) => rows.Where(r => r.Status == s).Sum(r => r.AmountFen);
            Assert.Equal((Sum(EntryStatus.Pending), Sum(EntryStatus.Frozen), Sum(EntryStatus.Available)),
                (b.PendingFen, b.FrozenFen, b.AvailableFen));
        }
        var a = await h.Ledger.GetBalancesAsync(await h.IdOf("A"));
        Assert.Equal(92000 - 20000, a.AvailableFen); // F's see-point clawed back
    }
}
