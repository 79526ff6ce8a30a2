using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Ledger;

/// <summary>Moves one entry's status by compare-and-set and records the move, in the caller's transaction.</summary>
internal static class LedgerStatusMover
{
    /// <returns>false when the entry was no longer in <paramref name="from"/> (someone else moved it first).</returns>
    public static async Task<bool> MoveAsync(LianDongDbContext db, long entryId, EntryStatus from, EntryStatus to,
        DateTimeOffset at, string actor, long? nightlyRunId, CancellationToken ct)
    {
        if (!LedgerTransitions.IsAllowed(from, to)) throw new InvalidOperationException($"A ledger entry cannot move from {from} to {to}.");
        var moved = await db.LedgerEntries.Where(e => e.Id == entryId && e.Status == from)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, to), ct);
        if (moved == 0) return false;
        db.LedgerStatusChanges.Add(new LedgerStatusChange(entryId, from, to, at, actor, nightlyRunId));
        return true;
    }
}

/// <summary>Status moves requested from outside the engine (finance: payouts, failed payout lines).</summary>
public sealed class LedgerService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Compare-and-set move of one entry; false when it was not in <paramref name="from"/> any more.</summary>
    public async Task<bool> MoveStatusAsync(long entryId, EntryStatus from, EntryStatus to, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ok = await LedgerStatusMover.MoveAsync(db, entryId, from, to, time.GetUtcNow(), actor, null, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ok;
    }

    /// <summary>A member's balance per status: sums of its entries, read through the (BeneficiaryId, Id) range (ADR 0072).</summary>
    public async Task<MemberBalances> GetBalancesAsync(long memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sums = await db.LedgerEntries.AsNoTracking().Where(e => e.BeneficiaryId == memberId)
            .GroupBy(e => e.Status).Select(g => new { Status = g.Key, Sum = g.Sum(e => e.AmountFen) }).ToListAsync(ct);
        long Of(EntryStatus s) => sums.FirstOrDefault(x => x.Status == s)?.Sum ?? 0;
        return new MemberBalances(memberId, Of(EntryStatus.Pending), Of(EntryStatus.Frozen), Of(EntryStatus.Available), Of(EntryStatus.Paid),
            Of(EntryStatus.Cancelled), Of(EntryStatus.Forfeited));
    }
}

public sealed record MemberBalances(long MemberId, long PendingFen, long FrozenFen, long AvailableFen, long PaidFen, long CancelledFen, long ForfeitedFen);
