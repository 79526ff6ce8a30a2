using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Dashboard;

public sealed record NewCounts(int Today, int Last7Days, int Last30Days);
public sealed record PackRatio(string Code, string Name, long PriceFen, long RevenueFen, long RewardsFen)
{
    /// <summary>Rewards ÷ revenue, in per mille (shown as a percent with one decimal).</summary>
    public long PerMille => RevenueFen == 0 ? 0 : RewardsFen * 1000 / RevenueFen;
}
public sealed record GrowthPoint(DateTime Date, int NewAgents, int NewPartners)
{
    public string Day => Date.ToString("MM-dd");
}
public sealed record KindPoint(DateTime Date, string Kind, long AmountFen)
{
    public string Day => Date.ToString("MM-dd");
}
public sealed record DashboardFigures(long Members, long Agents, long Partners, NewCounts NewAgents, NewCounts NewPartners,
    long PostedFen, long SettledFen, long PaidFen, long FrozenFen, long ForfeitedFen, long SupportFundFen,
    IReadOnlyList<PackRatio> Packs, IReadOnlyList<GrowthPoint> Growth, IReadOnlyList<KindPoint> RewardsByKind, NightlyRun? LastRun);

public sealed record DashboardSnapshot(DashboardFigures Figures, DateTimeOffset At);

/// <summary>
/// The latest computed figures, shared by every circuit. The money sums read the whole ledger (seconds at millions of
/// entries, measured), so pages show this snapshot at once and <see cref="DashboardRefresher"/> keeps it fresh.
/// </summary>
public sealed class DashboardSnapshotStore(DashboardFiguresQuery query, TimeProvider time)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    public DashboardSnapshot? Latest { get; private set; }

    /// <summary>Computes new figures (one computation at a time; a caller that waited gets the one just made).</summary>
    public async Task<DashboardSnapshot> RefreshAsync(CancellationToken ct = default)
    {
        var asked = time.GetUtcNow();
        await gate.WaitAsync(ct);
        try
        {
            if (Latest is { } fresh && fresh.At >= asked) return fresh;
            var started = time.GetUtcNow();
            var figures = await query.ComputeAsync(ct);
            return Latest = new DashboardSnapshot(figures, started);
        }
        finally { gate.Release(); }
    }
}

/// <summary>Recomputes the dashboard snapshot at start and every <see cref="Interval"/>.</summary>
public sealed class DashboardRefresher(DashboardSnapshotStore store, ILogger<DashboardRefresher> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try { await store.RefreshAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Dashboard figures could not be computed; the page keeps the previous ones"); }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>The dashboard page's service: the snapshot (computed now if there is none yet) and an explicit refresh.</summary>
public sealed class DashboardService(DashboardSnapshotStore store, ICurrentUser current)
{
    public async Task<DashboardSnapshot> LoadAsync(CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        return store.Latest ?? await store.RefreshAsync(ct);
    }

    public async Task<DashboardSnapshot> RefreshAsync(CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        return await store.RefreshAsync(ct);
    }
}

/// <summary>
/// The dashboard's figures. Members by rank come from the roots' cached subtree counters (one index range over the
/// roots, not a scan of a million members); new agents/partners from the last 30 days of rank changes; money from
/// grouped sums over the ledger (the expensive part, hence the snapshot).
/// </summary>
public sealed class DashboardFiguresQuery(IDbContextFactory<LianDongDbContext> dbs, TimeProvider time)
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
            new KindPoint(d.ToDateTime(TimeOnly.MinValue), Display.Kind(kind), byKind.Where(k => k.Kind == kind && k.PostingDate == d).Sum(k => k.Sum)))).ToList();

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
