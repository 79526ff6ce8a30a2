using LianDong.Domain.Compliance;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Ledger;

public sealed record EntryRow(long Id, long BeneficiaryId, EntryKind Kind, long AmountFen, EntryStatus Status, string? Order,
    long? RuleSetId, long? ChannelTaskId, DateOnly PostingDate, DateOnly SettlesOn);

public sealed record WithheldRow(long Id, string Order, long BeneficiaryId, EntryKind Kind, long AmountFen, int Distance, string Reason, DateTimeOffset At);

public sealed record SettlementLineRow(long Id, long MemberId, int EntryCount, long AmountFen);

/// <summary>
/// Read-only lists for the console and API: a member's entries, the compliance log, the support fund, nightly runs and
/// settlement batches. All keyset-paged (pass the last id seen) over an index, newest or oldest first as noted.
/// </summary>
public sealed class LedgerQueryService(IDbContextFactory<LianDongDbContext> dbFactory)
{
    /// <summary>A member's entries, newest first (index BeneficiaryId, Id).</summary>
    public async Task<IReadOnlyList<EntryRow>> GetEntriesAsync(long memberId, long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.BeneficiaryId == memberId && e.Id < beforeId).OrderByDescending(e => e.Id).Take(take)
            .Select(e => new EntryRow(e.Id, e.BeneficiaryId, e.Kind, e.AmountFen, e.Status,
                db.Orders.Where(o => o.Id == e.OrderId).Select(o => o.ExternalId).FirstOrDefault(),
                e.RuleSetId, e.ChannelTaskId, e.PostingDate, e.SettlesOn))
            .ToListAsync(ct);
    }

    /// <summary>The compliance log of withheld rewards, newest first.</summary>
    public async Task<IReadOnlyList<WithheldRow>> GetWithheldAsync(long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WithheldRewards.AsNoTracking().Where(w => w.Id < beforeId).OrderByDescending(w => w.Id).Take(take)
            .Select(w => new WithheldRow(w.Id, db.Orders.Where(o => o.Id == w.OrderId).Select(o => o.ExternalId).First(),
                w.BeneficiaryId, w.Kind, w.AmountFen, w.Distance, w.Reason, w.At))
            .ToListAsync(ct);
    }

    /// <summary>Support-fund movements, newest first.</summary>
    public async Task<IReadOnlyList<SupportFundMovement>> GetFundMovementsAsync(long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SupportFundMovements.AsNoTracking().Where(m => m.Id < beforeId).OrderByDescending(m => m.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>The latest nightly runs (one row per business date), newest date first.</summary>
    public async Task<IReadOnlyList<NightlyRun>> GetNightlyRunsAsync(int take = 30, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.NightlyRuns.AsNoTracking().OrderByDescending(r => r.BusinessDate).Take(take).ToListAsync(ct);
    }

    public async Task<SettlementBatch?> GetSettlementBatchAsync(DateOnly businessDate, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SettlementBatches.AsNoTracking().FirstOrDefaultAsync(b => b.BusinessDate == businessDate, ct);
    }

    /// <summary>One batch's lines in id order (index BatchId, MemberId).</summary>
    public async Task<IReadOnlyList<SettlementLineRow>> GetSettlementLinesAsync(long batchId, long afterId = 0, int take = 500, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SettlementLines.AsNoTracking().Where(l => l.BatchId == batchId && l.Id > afterId).OrderBy(l => l.Id).Take(take)
            .Select(l => new SettlementLineRow(l.Id, l.MemberId, l.EntryCount, l.AmountFen)).ToListAsync(ct);
    }
}
