using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Settlements;

/// <summary>A page of settlement batches with the sums over all of them (the grid's total row).</summary>
public sealed record SettlementBatchPage(IReadOnlyList<SettlementBatchRow> Rows, int Total, long Entries, long AmountFen);

/// <summary>The settlements pages (finance and admins): batches, totals by kind, lines, a member's settled entries.</summary>
public sealed class SettlementService(SettlementQueryService queries, ICurrentUser current, IDbContextFactory<LianDongDbContext> dbs)
{
    private Task<string> RequireAsync() => current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);

    /// <summary>One page of batches, newest business date first (unique index), with the count and sums over all batches.</summary>
    public async Task<SettlementBatchPage> BatchesPageAsync(int skip, int take, CancellationToken ct = default)
    {
        await RequireAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var sums = await db.SettlementBatches.GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Entries = g.Sum(b => (long)b.EntryCount), Fen = g.Sum(b => b.TotalFen) }).FirstOrDefaultAsync(ct);
        var rows = await db.SettlementBatches.AsNoTracking().OrderByDescending(b => b.BusinessDate).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100))
            .Select(x => new SettlementBatchRow(x.Id, x.BusinessDate, x.CreatedAt, x.MemberCount, x.EntryCount, x.TotalFen)).ToListAsync(ct);
        return new SettlementBatchPage(rows, sums?.Count ?? 0, sums?.Entries ?? 0, sums?.Fen ?? 0);
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

    /// <summary>One page of a batch's member lines in member order (the unique index (BatchId, MemberId)); the batch's member count is the total.</summary>
    public async Task<IReadOnlyList<SettlementMemberLine>> LinesPageAsync(long batchId, int skip, int take, CancellationToken ct = default)
    {
        await RequireAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await (from l in db.SettlementLines.AsNoTracking()
                      join m in db.Members on l.MemberId equals m.Id
                      where l.BatchId == batchId
                      orderby l.MemberId
                      select new SettlementMemberLine(l.Id, l.MemberId, m.ExternalId, m.Name, l.EntryCount, l.AmountFen))
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<SettledEntryRow>> MemberEntriesAsync(long batchId, long memberId, CancellationToken ct = default)
    {
        await RequireAsync();
        return await queries.MemberEntriesAsync(batchId, memberId, ct);
    }
}
