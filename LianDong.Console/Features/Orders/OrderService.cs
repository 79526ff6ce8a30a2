using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Packs;

namespace LianDong.Console.Features.Orders;

/// <summary>The orders page: a merchant's pack orders, totals and payables, always within the user's merchant scope.</summary>
public sealed class OrderService(MerchantReportService reports, ICurrentUser current)
{
    private async Task<OrderFilter> ScopedAsync(OrderFilter filter)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        // A Merchant user's own merchant always wins over whatever the filter (or URL) asked for.
        return scope.IsAll ? filter : filter with { MerchantId = scope.MerchantId };
    }

    public async Task<IReadOnlyList<MerchantOrderRow>> ListAsync(OrderFilter filter, long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default) =>
        await reports.OrdersAsync(await ScopedAsync(filter), beforeId, take, ct);

    public async Task<OrderTotals> TotalsAsync(OrderFilter filter, CancellationToken ct = default) =>
        await reports.TotalsAsync(await ScopedAsync(filter), ct);

    public async Task<IReadOnlyList<PayableRow>> PayablesAsync(long? merchantId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var f = await ScopedAsync(new OrderFilter(merchantId));
        return await reports.PayablesAsync(f.MerchantId, from, to, ct);
    }

    public async Task<bool> SeesAllMerchantsAsync() => (await current.GetMerchantScopeAsync()).IsAll;
}
