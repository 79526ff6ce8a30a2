using LianDong.Console.Features.Dashboard;
using LianDong.Console.Features.Shared;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>
/// The dashboard figures as the query computed them before the ledger totals (issue 7): grouped sums over the whole
/// ledger and all orders, and the last 30 days of rank changes grouped in memory. The reference the totals-based
/// <see cref="DashboardFiguresQuery"/> must equal.
/// </summary>
internal sealed class FullScanDashboardFigures(IDbContextFactory<LianDongDbContext> dbs, TimeProvider time)
{
    private static readonly EntryKind[] RewardKinds = [EntryKind.Direct, EntryKind.SeePoint, EntryKind.Peer, EntryKind.Retail];

    public async Task<DashboardFigures> ComputeAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var roots = await db.Members.AsNoTracking().Where(m => m.ReferrerId == null)
            .GroupBy(m => 1).Select(g => new
            {
                Count = g.Count(), Size = g.Sum(m => (long)m.TeamSize), Agents = g.Sum(m => (long)m.TeamAgents), Partners = g.Sum(m => (long)m.TeamPartners),
                RootAgents = g.Count(m => m.Rank == MemberRank.Agent), RootPartners = g.Count(m => m.Rank == MemberRank.Partner),
            }).FirstOrDefaultAsync(ct);
        var total = (roots?.Count ?? 0) + (roots?.Size ?? 0);
        var agents = (roots?.Agents ?? 0) + (roots?.RootAgents ?? 0);
        var partners = (roots?.Partners ?? 0) + (roots?.RootPartners ?? 0);

        var now = time.GetUtcNow();
        var today = PlatformTime.LocalDate(now);
        var since30 = PlatformTime.EndOfLocalDay(today.AddDays(-30));
        var changes = await db.MemberRankChanges.AsNoTracking()
            .Where(c => c.At >= since30 && (c.ToRank == MemberRank.Agent || c.ToRank == MemberRank.Partner))
            .Select(c => new { c.At, c.ToRank }).ToListAsync(ct);
        var byDate = changes.Select(c => (Date: PlatformTime.LocalDate(c.At), c.ToRank)).ToList();
        NewCounts Count(MemberRank rank) => new(
            byDate.Count(c => c.ToRank == rank && c.Date == today),
            byDate.Count(c => c.ToRank == rank && c.Date > today.AddDays(-7)),
            byDate.Count(c => c.ToRank == rank));
        var growth = Enumerable.Range(0, 30).Select(i => today.AddDays(-29 + i))
            .Select(d => new GrowthPoint(d.ToDateTime(TimeOnly.MinValue), byDate.Count(c => c.Date == d && c.ToRank == MemberRank.Agent),
                byDate.Count(c => c.Date == d && c.ToRank == MemberRank.Partner))).ToList();

        var sums = await db.LedgerEntries.AsNoTracking().GroupBy(e => new { e.Kind, e.Status })
            .Select(g => new { g.Key.Kind, g.Key.Status, Sum = g.Sum(e => e.AmountFen) }).ToListAsync(ct);
        long Sum(Func<EntryKind, EntryStatus, bool> p) => sums.Where(s => p(s.Kind, s.Status)).Sum(s => s.Sum);

        var from = today.AddDays(-29);
        var byKind = await db.LedgerEntries.AsNoTracking().Where(e => e.PostingDate >= from && RewardKinds.Contains(e.Kind))
            .GroupBy(e => new { e.PostingDate, e.Kind }).Select(g => new { g.Key.PostingDate, g.Key.Kind, Sum = g.Sum(e => e.AmountFen) }).ToListAsync(ct);
        // One point per day and kind (0 where nothing was posted), so every series shares the same 30 categories.
        var rewardsByKind = RewardKinds.SelectMany(kind => Enumerable.Range(0, 30).Select(i => from.AddDays(i)).Select(d =>
            new KindPoint(d.ToDateTime(TimeOnly.MinValue), kind, byKind.Where(k => k.Kind == kind && k.PostingDate == d).Sum(k => k.Sum)))).ToList();

        var packRewards = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.Status != EntryStatus.Cancelled && (e.Kind == EntryKind.Direct || e.Kind == EntryKind.SeePoint || e.Kind == EntryKind.Peer))
            .Join(db.Orders, e => e.OrderId, o => o.Id, (e, o) => new { o.PackId, e.AmountFen })
            .GroupBy(x => x.PackId).Select(g => new { PackId = g.Key, Sum = g.Sum(x => x.AmountFen) }).ToListAsync(ct);
        var revenue = await db.Orders.AsNoTracking().Where(o => o.Kind == OrderKind.Pack && o.RefundedAt == null)
            .GroupBy(o => o.PackId).Select(g => new { PackId = g.Key, Sum = g.Sum(o => o.PriceFen) }).ToListAsync(ct);
        var packs = (await db.GiftPacks.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct))
            .Select(p => new PackRatio(p.Code, p.Name, p.PriceFen, revenue.FirstOrDefault(r => r.PackId == p.Id)?.Sum ?? 0,
                packRewards.FirstOrDefault(r => r.PackId == p.Id)?.Sum ?? 0)).ToList();

        var fund = await db.SupportFundMovements.SumAsync(m => m.AmountFen, ct);
        var lastRun = await db.NightlyRuns.AsNoTracking().OrderByDescending(r => r.BusinessDate).FirstOrDefaultAsync(ct);

        return new DashboardFigures(total, agents, partners, Count(MemberRank.Agent), Count(MemberRank.Partner),
            PostedFen: Sum((k, _) => RewardKinds.Contains(k)),
            SettledFen: Sum((_, s) => s is EntryStatus.Available or EntryStatus.Paid),
            PaidFen: Sum((_, s) => s == EntryStatus.Paid),
            FrozenFen: Sum((_, s) => s == EntryStatus.Frozen),
            ForfeitedFen: Sum((_, s) => s == EntryStatus.Forfeited),
            fund, packs, growth, rewardsByKind, lastRun);
    }
}
