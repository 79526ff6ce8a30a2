using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Settlement;

public sealed record SettlementBatchRow(long Id, DateOnly BusinessDate, DateTimeOffset CreatedAt, int MemberCount, int EntryCount, long TotalFen);

public sealed record SettlementKindTotal(EntryKind Kind, int EntryCount, long AmountFen);

public sealed record SettlementMemberLine(long Id, long MemberId, string MemberExternalId, string? MemberName, int EntryCount, long AmountFen);

public sealed record SettledEntryRow(long EntryId, EntryKind Kind, long AmountFen, DateOnly PostingDate, DateOnly SettlesOn, string? Order, EntryStatus StatusNow);

/// <summary>
/// Settlement batches for finance: one per business date (written by the nightly run), totals by reward kind, the
/// per-member lines and a member's settled entries. Lists are keyset-paged.
/// </summary>
public sealed class SettlementQueryService(IDbContextFactory<LianDongDbContext> dbFactory)
{
    public async Task<IReadOnlyList<SettlementBatchRow>> ListAsync(DateOnly? before = null, int take = 30, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.SettlementBatches.AsNoTracking();
        if (before is { } b) q = q.Where(x => x.BusinessDate < b);
        return await q.OrderByDescending(x => x.BusinessDate).Take(take)
            .Select(x => new SettlementBatchRow(x.Id, x.BusinessDate, x.CreatedAt, x.MemberCount, x.EntryCount, x.TotalFen)).ToListAsync(ct);
    }

    public async Task<SettlementBatchRow?> GetAsync(DateOnly businessDate, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SettlementBatches.AsNoTracking().Where(x => x.BusinessDate == businessDate)
            .Select(x => new SettlementBatchRow(x.Id, x.BusinessDate, x.CreatedAt, x.MemberCount, x.EntryCount, x.TotalFen)).FirstOrDefaultAsync(ct);
    }

    /// <summary>What the batch settled, by reward kind (the entries its nightly run moved Pending → Available).</summary>
    public async Task<IReadOnlyList<SettlementKindTotal>> KindTotalsAsync(long batchId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runId = await db.SettlementBatches.Where(b => b.Id == batchId).Select(b => b.NightlyRunId).FirstAsync(ct);
        var rows = await (from c in db.LedgerStatusChanges
                          join e in db.LedgerEntries on c.EntryId equals e.Id
                          where c.NightlyRunId == runId && c.FromStatus == EntryStatus.Pending && c.ToStatus == EntryStatus.Available
                          group e by e.Kind into g
                          select new { Kind = g.Key, Count = g.Count(), Fen = g.Sum(x => x.AmountFen) }).ToListAsync(ct);
        return rows.OrderBy(r => r.Kind).Select(r => new SettlementKindTotal(r.Kind, r.Count, r.Fen)).ToList();
    }

    public async Task<IReadOnlyList<SettlementMemberLine>> LinesAsync(long batchId, long afterId = 0, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LinesQuery(db, batchId, afterId).Take(take).ToListAsync(ct);
    }

    public async IAsyncEnumerable<SettlementMemberLine> StreamLinesAsync(long batchId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UseForStreamingAsync(ct);
        await foreach (var l in LinesQuery(db, batchId, 0).AsAsyncEnumerable().WithCancellation(ct)) yield return l;
    }

    private static IQueryable<SettlementMemberLine> LinesQuery(LianDongDbContext db, long batchId, long afterId) =>
        from l in db.SettlementLines.AsNoTracking()
        join m in db.Members on l.MemberId equals m.Id
        where l.BatchId == batchId && l.Id > afterId
        orderby l.Id
        select new SettlementMemberLine(l.Id, l.MemberId, m.ExternalId, m.Name, l.EntryCount, l.AmountFen);

    /// <summary>The entries a batch settled for one member (the drill-down of a line).</summary>
    public async Task<IReadOnlyList<SettledEntryRow>> MemberEntriesAsync(long batchId, long memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runId = await db.SettlementBatches.Where(b => b.Id == batchId).Select(b => b.NightlyRunId).FirstAsync(ct);
        return await (from c in db.LedgerStatusChanges
                      join e in db.LedgerEntries on c.EntryId equals e.Id
                      where c.NightlyRunId == runId && c.ToStatus == EntryStatus.Available && e.BeneficiaryId == memberId
                      orderby e.Id
                      select new SettledEntryRow(e.Id, e.Kind, e.AmountFen, e.PostingDate, e.SettlesOn,
                          db.Orders.Where(o => o.Id == e.OrderId).Select(o => o.ExternalId).FirstOrDefault(), e.Status)).ToListAsync(ct);
    }
}
