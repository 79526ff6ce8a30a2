using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Settlement;

namespace LianDong.Console.Features.Settlements;

/// <summary>The settlements page (finance and admins): batches, totals by kind, lines, a member's settled entries.</summary>
public sealed class SettlementService(SettlementQueryService queries, ICurrentUser current)
{
    private Task<string> RequireAsync() => current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);

    public async Task<IReadOnlyList<SettlementBatchRow>> ListAsync(DateOnly? before = null, int take = 30, CancellationToken ct = default)
    {
        await RequireAsync();
        return await queries.ListAsync(before, take, ct);
    }

    public async Task<SettlementBatchRow?> GetAsync(DateOnly date, CancellationToken ct = default)
    {
        await RequireAsync();
        return await queries.GetAsync(date, ct);
    }

    public async Task<IReadOnlyList<SettlementKindTotal>> KindTotalsAsync(long batchId, CancellationToken ct = default)
    {
        await RequireAsync();
        return await queries.KindTotalsAsync(batchId, ct);
    }

    public async Task<IReadOnlyList<SettlementMemberLine>> LinesAsync(long batchId, long afterId = 0, int take = 50, CancellationToken ct = default)
    {
        await RequireAsync();
        return await queries.LinesAsync(batchId, afterId, take, ct);
    }

    public async Task<IReadOnlyList<SettledEntryRow>> MemberEntriesAsync(long batchId, long memberId, CancellationToken ct = default)
    {
        await RequireAsync();
        return await queries.MemberEntriesAsync(batchId, memberId, ct);
    }
}
