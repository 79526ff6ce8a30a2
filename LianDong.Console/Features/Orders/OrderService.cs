using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Orders;

/// <summary>The orders page: a merchant's pack orders, totals and payables, always within the user's merchant scope.</summary>
public sealed class OrderService(MerchantReportService reports, ICurrentUser current, IDbContextFactory<LianDongDbContext> dbs)
{
    /// <summary>The sorts the grid offers (the URL's "sort"); anything else sorts by payment time.</summary>
    public const string SortPaidAt = "PaidAt", SortPrice = "PriceFen";

    private async Task<OrderFilter> ScopedAsync(OrderFilter filter)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        // A Merchant user's own merchant always wins over whatever the filter (or URL) asked for.
        return scope.IsAll ? filter : filter with { MerchantId = scope.MerchantId };
    }

    public async Task<IReadOnlyList<MerchantOrderRow>> ListAsync(OrderFilter filter, long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default) =>
        await reports.OrdersAsync(await ScopedAsync(filter), beforeId, take, ct);

    /// <summary>
    /// One page of orders for the grid, sorted by payment time (default, newest first) or price, the order id breaking
    /// ties; the count is the totals' (same filter and scope).
    /// </summary>
    public async Task<(IReadOnlyList<MerchantOrderRow> Rows, OrderTotals Totals)> PageAsync(OrderFilter filter, string? sortBy, bool descending, int skip, int take,
        CancellationToken ct = default)
    {
        var f = await ScopedAsync(filter);
        var totals = await reports.TotalsAsync(f, ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = from o in db.Orders.AsNoTracking()
                join p in db.GiftPacks on o.PackId equals p.Id
                join m in db.Merchants on p.MerchantId equals m.Id
                where o.Kind == OrderKind.Pack
                select new { o, p, m };
        if (f.MerchantId is { } mid) q = q.Where(x => x.p.MerchantId == mid);
        if (f.From is { } from) { var start = PlatformTime.EndOfLocalDay(from.AddDays(-1)); q = q.Where(x => x.o.PaidAt >= start); }
        if (f.To is { } to) { var end = PlatformTime.EndOfLocalDay(to); q = q.Where(x => x.o.PaidAt < end); }
        if (f.Status == OrderStatusFilter.Paid) q = q.Where(x => x.o.RefundedAt == null);
        if (f.Status == OrderStatusFilter.Refunded) q = q.Where(x => x.o.RefundedAt != null);
        if (!string.IsNullOrWhiteSpace(f.PackCode)) { var code = f.PackCode.Trim(); q = q.Where(x => x.p.Code == code); }
        q = (sortBy, descending) switch
        {
            (SortPrice, true) => q.OrderByDescending(x => x.o.PriceFen).ThenByDescending(x => x.o.Id),
            (SortPrice, false) => q.OrderBy(x => x.o.PriceFen).ThenBy(x => x.o.Id),
            (_, false) => q.OrderBy(x => x.o.PaidAt).ThenBy(x => x.o.Id),
            _ => q.OrderByDescending(x => x.o.PaidAt).ThenByDescending(x => x.o.Id),
        };
        var rows = await q.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100))
            .Select(x => new MerchantOrderRow(x.o.Id, x.o.ExternalId, x.m.Code, x.p.Code, x.p.Name,
                db.Members.Where(mm => mm.Id == x.o.MemberId).Select(mm => mm.ExternalId).First(),
                x.o.PriceFen, x.o.CostFen, x.o.PaidAt, x.o.RefundedAt)).ToListAsync(ct);
        return (rows, totals);
    }

    public async Task<OrderTotals> TotalsAsync(OrderFilter filter, CancellationToken ct = default) =>
        await reports.TotalsAsync(await ScopedAsync(filter), ct);

    public async Task<IReadOnlyList<PayableRow>> PayablesAsync(long? merchantId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var f = await ScopedAsync(new OrderFilter(merchantId));
        return await reports.PayablesAsync(f.MerchantId, from, to, ct);
    }

    public async Task<bool> SeesAllMerchantsAsync() => (await current.GetMerchantScopeAsync()).IsAll;
}
