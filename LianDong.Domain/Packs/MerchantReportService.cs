using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Packs;

public enum OrderStatusFilter { All, Paid, Refunded }

/// <summary>Filters of the merchant orders list; dates are local (platform zone) and inclusive.</summary>
public sealed record OrderFilter(long? MerchantId, DateOnly? From = null, DateOnly? To = null, OrderStatusFilter Status = OrderStatusFilter.All, string? PackCode = null);

public sealed record MerchantOrderRow(long Id, string ExternalId, string MerchantCode, string PackCode, string PackName, string MemberExternalId,
    long PriceFen, long CostFen, DateTimeOffset PaidAt, DateTimeOffset? RefundedAt);

public sealed record OrderTotals(int Orders, int Refunded, long PriceFen, long CostFen, long RefundedPriceFen, long RefundedCostFen);

/// <summary>
/// A merchant's payable for one pack in a period: cost × packs sold in the period, minus the cost of the packs refunded
/// in the period (a refund of an order from an earlier period reduces the period it happens in).
/// </summary>
public sealed record PayableRow(long MerchantId, string MerchantCode, string MerchantName, string PackCode, string PackName,
    int Sold, long SoldCostFen, int Refunded, long RefundedCostFen)
{
    public long PayableFen => SoldCostFen - RefundedCostFen;
}

/// <summary>Gift-pack orders and payables of merchants. MerchantId null = all merchants (admins, finance).</summary>
public sealed class MerchantReportService(IDbContextFactory<LianDongDbContext> dbFactory)
{
    public async Task<IReadOnlyList<MerchantOrderRow>> OrdersAsync(OrderFilter filter, long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, filter).Where(x => x.o.Id < beforeId).OrderByDescending(x => x.o.Id).Take(take)
            .Select(x => new MerchantOrderRow(x.o.Id, x.o.ExternalId, x.m.Code, x.p.Code, x.p.Name,
                db.Members.Where(mm => mm.Id == x.o.MemberId).Select(mm => mm.ExternalId).First(),
                x.o.PriceFen, x.o.CostFen, x.o.PaidAt, x.o.RefundedAt)).ToListAsync(ct);
    }

    public async Task<OrderTotals> TotalsAsync(OrderFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var t = await Query(db, filter).GroupBy(_ => 1).Select(g => new
        {
            Orders = g.Count(),
            Refunded = g.Count(x => x.o.RefundedAt != null),
            Price = g.Sum(x => x.o.PriceFen),
            Cost = g.Sum(x => x.o.CostFen),
            RPrice = g.Sum(x => x.o.RefundedAt != null ? x.o.PriceFen : 0),
            RCost = g.Sum(x => x.o.RefundedAt != null ? x.o.CostFen : 0),
        }).FirstOrDefaultAsync(ct);
        return t is null ? new OrderTotals(0, 0, 0, 0, 0, 0) : new OrderTotals(t.Orders, t.Refunded, t.Price, t.Cost, t.RPrice, t.RCost);
    }

    private sealed class Joined { public Order o { get; init; } = null!; public GiftPack p { get; init; } = null!; public Merchants.Merchant m { get; init; } = null!; }

    private static IQueryable<Joined> Query(LianDongDbContext db, OrderFilter f)
    {
        var q = from o in db.Orders.AsNoTracking()
                join p in db.GiftPacks on o.PackId equals p.Id
                join m in db.Merchants on p.MerchantId equals m.Id
                where o.Kind == OrderKind.Pack
                select new Joined { o = o, p = p, m = m };
        if (f.MerchantId is { } mid) q = q.Where(x => x.p.MerchantId == mid);
        if (f.From is { } from) { var start = PlatformTime.EndOfLocalDay(from.AddDays(-1)); q = q.Where(x => x.o.PaidAt >= start); }
        if (f.To is { } to) { var end = PlatformTime.EndOfLocalDay(to); q = q.Where(x => x.o.PaidAt < end); }
        if (f.Status == OrderStatusFilter.Paid) q = q.Where(x => x.o.RefundedAt == null);
        if (f.Status == OrderStatusFilter.Refunded) q = q.Where(x => x.o.RefundedAt != null);
        if (!string.IsNullOrWhiteSpace(f.PackCode)) { var code = f.PackCode.Trim(); q = q.Where(x => x.p.Code == code); }
        return q;
    }

    /// <summary>Payables per merchant and pack for local dates <paramref name="from"/>..<paramref name="to"/> (inclusive).</summary>
    public async Task<IReadOnlyList<PayableRow>> PayablesAsync(long? merchantId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from) throw new EngineRuleException($"to {to:yyyy-MM-dd} is before from {from:yyyy-MM-dd}");
        var start = PlatformTime.EndOfLocalDay(from.AddDays(-1));
        var end = PlatformTime.EndOfLocalDay(to);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var packs = db.GiftPacks.AsNoTracking().Where(p => merchantId == null || p.MerchantId == merchantId);
        var sold = await db.Orders.AsNoTracking().Where(o => o.Kind == OrderKind.Pack && o.PaidAt >= start && o.PaidAt < end && packs.Any(p => p.Id == o.PackId))
            .GroupBy(o => o.PackId).Select(g => new { PackId = g.Key!.Value, Count = g.Count(), Cost = g.Sum(o => o.CostFen) }).ToListAsync(ct);
        var refunded = await db.Orders.AsNoTracking().Where(o => o.Kind == OrderKind.Pack && o.RefundedAt >= start && o.RefundedAt < end && packs.Any(p => p.Id == o.PackId))
            .GroupBy(o => o.PackId).Select(g => new { PackId = g.Key!.Value, Count = g.Count(), Cost = g.Sum(o => o.CostFen) }).ToListAsync(ct);
        var ids = sold.Select(s => s.PackId).Union(refunded.Select(r => r.PackId)).ToList();
        var info = await (from p in db.GiftPacks join m in db.Merchants on p.MerchantId equals m.Id where ids.Contains(p.Id)
                          select new { p.Id, p.Code, p.Name, MerchantId = m.Id, MerchantCode = m.Code, MerchantName = m.Name }).ToListAsync(ct);
        return info.Select(i =>
        {
            var s = sold.FirstOrDefault(x => x.PackId == i.Id);
            var r = refunded.FirstOrDefault(x => x.PackId == i.Id);
            return new PayableRow(i.MerchantId, i.MerchantCode, i.MerchantName, i.Code, i.Name, s?.Count ?? 0, s?.Cost ?? 0, r?.Count ?? 0, r?.Cost ?? 0);
        }).OrderBy(x => x.MerchantCode).ThenBy(x => x.PackCode).ToList();
    }
}
