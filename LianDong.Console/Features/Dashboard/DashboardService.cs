using LianDong.Console.Features.Members;
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
public sealed record KindPoint(DateTime Date, EntryKind Kind, long AmountFen)
{
    public string Day => Date.ToString("MM-dd");
}
public sealed record DashboardFigures(long Members, long Agents, long Partners, NewCounts NewAgents, NewCounts NewPartners,
    long PostedFen, long SettledFen, long PaidFen, long FrozenFen, long ForfeitedFen, long SupportFundFen,
    IReadOnlyList<PackRatio> Packs, IReadOnlyList<GrowthPoint> Growth, IReadOnlyList<KindPoint> RewardsByKind, NightlyRun? LastRun);

public sealed record DashboardSnapshot(DashboardFigures Figures, DateTimeOffset At);

/// <summary>
/// The latest computed figures, shared by every circuit. Computing them takes tens of milliseconds at a million
/// members (ledger totals, see <see cref="DashboardFiguresQuery"/>); pages show this snapshot at once and
/// <see cref="DashboardRefresher"/> keeps it fresh.
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

/// <summary>Sales of one window: orders paid in it and their price (refunded later or not).</summary>
public sealed record SalesWindow(long Orders, long SalesFen);

/// <summary>A merchant's own figures: sales today / 7 / 30 local days, packs on, payables this month, refunds in 30 days.</summary>
public sealed record MerchantFigures(string MerchantCode, string MerchantName, SalesWindow Today, SalesWindow Last7Days, SalesWindow Last30Days,
    int PacksOn, int Packs, DateOnly MonthFrom, DateOnly MonthTo, long PayablesThisMonthFen, long Refunds, long RefundedFen);

/// <summary>
/// The dashboard page's service: the platform snapshot (computed now if there is none yet) and an explicit refresh for
/// admins and finance; a merchant's own figures for a merchant user.
/// </summary>
public sealed class DashboardService(DashboardSnapshotStore store, ICurrentUser current, IDbContextFactory<LianDongDbContext> dbs,
    MerchantReportService reports, TimeProvider time)
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

    /// <summary>
    /// The signed-in merchant's figures (null for a merchant user bound to no merchant). Orders are read over the
    /// (PackId, PaidAt) and (RefundedAt, …) indexes for the merchant's packs only; days are Asia/Shanghai days.
    /// </summary>
    public async Task<MerchantFigures?> MerchantAsync(CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.Merchant);
        if ((await current.GetPrincipalAsync()).GetMerchantId() is not { } merchantId) return null;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var merchant = await db.Merchants.AsNoTracking().Where(m => m.Id == merchantId).Select(m => new { m.Code, m.Name }).FirstOrDefaultAsync(ct);
        if (merchant is null) return null;
        var packs = await db.GiftPacks.AsNoTracking().Where(p => p.MerchantId == merchantId).Select(p => new { p.Id, p.IsOn }).ToListAsync(ct);
        var packIds = packs.Select(p => (long?)p.Id).ToList();

        var today = PlatformTime.LocalDate(time.GetUtcNow());
        DateTimeOffset StartOf(DateOnly day) => PlatformTime.EndOfLocalDay(day.AddDays(-1));
        var (start1, start7, start30) = (StartOf(today), StartOf(today.AddDays(-6)), StartOf(today.AddDays(-29)));
        var sold = await db.Orders.AsNoTracking().Where(o => o.Kind == OrderKind.Pack && packIds.Contains(o.PackId) && o.PaidAt >= start30)
            .GroupBy(o => 1).Select(g => new
            {
                Orders1 = g.LongCount(o => o.PaidAt >= start1), Fen1 = g.Sum(o => o.PaidAt >= start1 ? o.PriceFen : 0),
                Orders7 = g.LongCount(o => o.PaidAt >= start7), Fen7 = g.Sum(o => o.PaidAt >= start7 ? o.PriceFen : 0),
                Orders30 = g.LongCount(), Fen30 = g.Sum(o => o.PriceFen),
            }).FirstOrDefaultAsync(ct);
        var refunds = await db.Orders.AsNoTracking().Where(o => o.RefundedAt >= start30 && o.Kind == OrderKind.Pack && packIds.Contains(o.PackId))
            .GroupBy(o => 1).Select(g => new { Count = g.LongCount(), Fen = g.Sum(o => o.PriceFen) }).FirstOrDefaultAsync(ct);
        var monthFrom = new DateOnly(today.Year, today.Month, 1);
        var payables = (await reports.PayablesAsync(merchantId, monthFrom, today, ct)).Sum(r => r.PayableFen);

        return new MerchantFigures(merchant.Code, merchant.Name,
            new SalesWindow(sold?.Orders1 ?? 0, sold?.Fen1 ?? 0), new SalesWindow(sold?.Orders7 ?? 0, sold?.Fen7 ?? 0), new SalesWindow(sold?.Orders30 ?? 0, sold?.Fen30 ?? 0),
            packs.Count(p => p.IsOn), packs.Count, monthFrom, today, payables, refunds?.Count ?? 0, refunds?.Fen ?? 0);
    }
}

/// <summary>
/// The dashboard's figures. Members by rank come from the roots' cached subtree counters (<see cref="MemberCounts"/>);
/// new agents/partners from the last 30 days of rank changes, counted per local day in SQL over a covering index; money from <see cref="LedgerTotalsService"/>: the ledger totals the nightly
/// run keeps up to a watermark plus what was posted or moved since (issue 7: ≤ 500 ms at a million members). The
/// figures equal those of a full scan of the ledger and the orders (tested).
/// </summary>
public sealed class DashboardFiguresQuery(IDbContextFactory<LianDongDbContext> dbs, TimeProvider time)
{
    private static readonly EntryKind[] RewardKinds = [EntryKind.Direct, EntryKind.SeePoint, EntryKind.Peer, EntryKind.Retail];
    private static readonly EntryKind[] PackRewardKinds = [EntryKind.Direct, EntryKind.SeePoint, EntryKind.Peer];

    private readonly LedgerTotalsService totals = new(dbs, time);

    private sealed record RankDay(long Day, int ToRank, int Count);

    public async Task<DashboardFigures> ComputeAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var counts = await MemberCounts.ReadAsync(db, ct);

        var now = time.GetUtcNow();
        var today = PlatformTime.LocalDate(now);
        var since30 = PlatformTime.EndOfLocalDay(today.AddDays(-30));
        // Instants are stored as UTC ticks: (ticks + zone offset) / ticks per day is the local day number (the platform
        // zone, Asia/Shanghai, has a fixed offset). Plain SQL arithmetic, grouped in the database.
        var offset = PlatformTime.Zone.BaseUtcOffset.Ticks;
        var perDay = await db.Database.SqlQuery<RankDay>($"""
            SELECT (At + {offset}) / {TimeSpan.TicksPerDay} AS Day, ToRank, COUNT(*) AS Count
            FROM MemberRankChanges
            WHERE At >= {since30.UtcTicks} AND ToRank IN ({(int)MemberRank.Agent}, {(int)MemberRank.Partner})
            GROUP BY (At + {offset}) / {TimeSpan.TicksPerDay}, ToRank
            """).ToListAsync(ct);
        var byDate = perDay.Select(c => (Date: DateOnly.FromDayNumber((int)c.Day), ToRank: (MemberRank)c.ToRank, c.Count)).ToList();
        NewCounts Count(MemberRank rank) => new(
            byDate.Where(c => c.ToRank == rank && c.Date == today).Sum(c => c.Count),
            byDate.Where(c => c.ToRank == rank && c.Date > today.AddDays(-7)).Sum(c => c.Count),
            byDate.Where(c => c.ToRank == rank).Sum(c => c.Count));
        var growth = Enumerable.Range(0, 30).Select(i => today.AddDays(-29 + i))
            .Select(d => new GrowthPoint(d.ToDateTime(TimeOnly.MinValue), byDate.Where(c => c.Date == d && c.ToRank == MemberRank.Agent).Sum(c => c.Count),
                byDate.Where(c => c.Date == d && c.ToRank == MemberRank.Partner).Sum(c => c.Count))).ToList();

        var ledger = await totals.ReadAsync(ct);
        long Sum(Func<LedgerTotalKey, bool> p) => ledger.Entries.Where(t => p(t.Key)).Sum(t => t.Value.Fen);

        var from = today.AddDays(-29);
        var byKind = ledger.Entries.Where(t => t.Key.PostingDate >= from && RewardKinds.Contains(t.Key.Kind))
            .GroupBy(t => (t.Key.PostingDate, t.Key.Kind)).ToDictionary(g => g.Key, g => g.Sum(t => t.Value.Fen));
        // One point per day and kind (0 where nothing was posted), so every series shares the same 30 categories.
        var rewardsByKind = RewardKinds.SelectMany(kind => Enumerable.Range(0, 30).Select(i => from.AddDays(i)).Select(d =>
            new KindPoint(d.ToDateTime(TimeOnly.MinValue), kind, byKind.GetValueOrDefault((d, kind))))).ToList();

        var packRewards = ledger.Entries.Where(t => t.Key.Status != EntryStatus.Cancelled && PackRewardKinds.Contains(t.Key.Kind) && t.Key.PackId != null)
            .GroupBy(t => t.Key.PackId!.Value).ToDictionary(g => g.Key, g => g.Sum(t => t.Value.Fen));
        var packs = (await db.GiftPacks.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct))
            .Select(p => new PackRatio(p.Code, p.Name, p.PriceFen, ledger.PackRevenueFen.GetValueOrDefault(p.Id), packRewards.GetValueOrDefault(p.Id))).ToList();

        var fund = await db.SupportFundMovements.SumAsync(m => m.AmountFen, ct);
        var lastRun = await db.NightlyRuns.AsNoTracking().OrderByDescending(r => r.BusinessDate).FirstOrDefaultAsync(ct);

        return new DashboardFigures(counts.All, counts.Agents, counts.Partners, Count(MemberRank.Agent), Count(MemberRank.Partner),
            PostedFen: Sum(k => RewardKinds.Contains(k.Kind)),
            SettledFen: Sum(k => k.Status is EntryStatus.Available or EntryStatus.Paid),
            PaidFen: Sum(k => k.Status == EntryStatus.Paid),
            FrozenFen: Sum(k => k.Status == EntryStatus.Frozen),
            ForfeitedFen: Sum(k => k.Status == EntryStatus.Forfeited),
            fund, packs, growth, rewardsByKind, lastRun);
    }
}
