using LianDong.Domain.Engine;
using System.Data;
using System.Data.Common;
using LianDong.Domain.Ledger;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Settlement;

/// <summary>
/// Count and sum of the ledger entries with Id ≤ <see cref="LedgerTotalsWatermark.EntryId"/>, per posting date, kind,
/// current status (as of <see cref="LedgerTotalsWatermark.ChangeId"/>) and the pack of the entry's order (null: no
/// order, or a retail order). Written only by <see cref="LedgerTotalsService.RefreshAsync"/>.
/// </summary>
public class LedgerDailyTotal
{
    public long Id { get; private set; }
    public DateOnly PostingDate { get; private set; }
    public EntryKind Kind { get; private set; }
    public EntryStatus Status { get; private set; }
    public long? PackId { get; private set; }
    public long EntryCount { get; internal set; }
    public long AmountFen { get; internal set; }

    private LedgerDailyTotal() { }

    internal LedgerDailyTotal(LedgerTotalKey key) { (PostingDate, Kind, Status, PackId) = key; }

    internal LedgerTotalKey Key => new(PostingDate, Kind, Status, PackId);
}

/// <summary>Count and price sum of the pack orders with Id ≤ <see cref="LedgerTotalsWatermark.OrderId"/>, refunded or not.</summary>
public class PackOrderTotal
{
    public long Id { get; private set; }
    public long PackId { get; private set; }
    public long OrderCount { get; internal set; }
    public long PriceFen { get; internal set; }

    private PackOrderTotal() { }

    internal PackOrderTotal(long packId) { PackId = packId; }
}

/// <summary>The single row saying how far the totals reach (Id = 1).</summary>
public class LedgerTotalsWatermark
{
    public int Id { get; private set; } = 1;
    public long EntryId { get; internal set; }
    public long ChangeId { get; internal set; }
    public long OrderId { get; internal set; }
    public DateTimeOffset RefreshedAt { get; internal set; }
}

public readonly record struct LedgerTotalKey(DateOnly PostingDate, EntryKind Kind, EntryStatus Status, long? PackId);

/// <summary>Live totals: every ledger entry by key, and every pack's revenue (pack orders not refunded).</summary>
public sealed record LedgerTotals(IReadOnlyDictionary<LedgerTotalKey, (long Count, long Fen)> Entries, IReadOnlyDictionary<long, long> PackRevenueFen,
    long AggregatedEntries, long TailEntries, long TailChanges);

/// <summary>
/// Totals of the whole ledger without reading the whole ledger (issue 7, dashboard ≤ 500 ms at a million members).
/// <para>
/// Entries never change after posting except their status, and every status move is recorded in
/// LedgerStatusChanges in the same transaction as the compare-and-set that makes it. So the totals are kept up to
/// two watermarks: the aggregate holds the entries with Id ≤ E at the status they had after the changes with
/// Id ≤ C. The live figure is the aggregate, plus the entries above E at their current status, plus, for the changes
/// above C of entries at or below E, −1 in the old status and +1 in the new. Pack revenue works the same way over
/// orders (never deleted; only RefundedAt changes): the aggregate of pack orders with Id ≤ O, minus the refunded ones
/// at or below O (an index on RefundedAt), plus the unrefunded ones above O.
/// </para>
/// <para>
/// The nightly run calls <see cref="RefreshAsync"/> after its dates, so the tails read live are about one day of
/// postings and moves. Ids are assigned in commit order because SQLite has one writer at a time; on a server database
/// with concurrent writers the watermarks would need the refresh to wait for older transactions.
/// </para>
/// </summary>
public sealed class LedgerTotalsService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Folds everything above the watermarks into the aggregate, in one write transaction.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var mark = await db.LedgerTotalsWatermarks.FirstOrDefaultAsync(ct);
        if (mark is null) db.LedgerTotalsWatermarks.Add(mark = new LedgerTotalsWatermark());
        var entryTo = await db.LedgerEntries.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        var changeTo = await db.LedgerStatusChanges.MaxAsync(c => (long?)c.Id, ct) ?? 0;
        var orderTo = await db.Orders.MaxAsync(o => (long?)o.Id, ct) ?? 0;

        var delta = await DeltaAsync(db, mark.EntryId, entryTo, mark.ChangeId, changeTo, ct);
        if (delta.Count > 0)
        {
            var rows = await db.LedgerDailyTotals.ToDictionaryAsync(r => r.Key, ct);
            foreach (var (key, (count, fen)) in delta)
            {
                if (!rows.TryGetValue(key, out var row)) db.LedgerDailyTotals.Add(rows[key] = row = new LedgerDailyTotal(key));
                row.EntryCount += count;
                row.AmountFen += fen;
                if (row.EntryCount < 0) throw new InvalidOperationException($"ledger totals went negative at {key}");
                if (row.EntryCount == 0 && row.AmountFen != 0) throw new InvalidOperationException($"ledger totals out of step at {key}");
            }
        }
        var orders = await db.Orders.AsNoTracking().Where(o => o.Id > mark.OrderId && o.Id <= orderTo && o.Kind == OrderKind.Pack && o.PackId != null
                && o.PriceFen <= InputLimits.MaxOrderAmountFen)
            .GroupBy(o => o.PackId!.Value).Select(g => new { PackId = g.Key, Count = g.LongCount(), Fen = g.Sum(o => o.PriceFen) }).ToListAsync(ct);
        if (orders.Count > 0)
        {
            var packs = await db.PackOrderTotals.ToDictionaryAsync(p => p.PackId, ct);
            foreach (var o in orders)
            {
                if (!packs.TryGetValue(o.PackId, out var row)) db.PackOrderTotals.Add(packs[o.PackId] = row = new PackOrderTotal(o.PackId));
                row.OrderCount += o.Count;
                row.PriceFen += o.Fen;
            }
        }
        (mark.EntryId, mark.ChangeId, mark.OrderId, mark.RefreshedAt) = (entryTo, changeTo, orderTo, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The live totals, read in one snapshot (the aggregate and the tails agree with each other).</summary>
    public async Task<LedgerTotals> ReadAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await BeginSnapshotAsync(db, ct);
        var mark = await db.LedgerTotalsWatermarks.AsNoTracking().FirstOrDefaultAsync(ct) ?? new LedgerTotalsWatermark();
        var totals = (await db.LedgerDailyTotals.AsNoTracking().ToListAsync(ct)).ToDictionary(r => r.Key, r => (r.EntryCount, r.AmountFen));
        var tailEntries = await db.LedgerEntries.LongCountAsync(e => e.Id > mark.EntryId, ct);
        var tailChanges = await db.LedgerStatusChanges.LongCountAsync(c => c.Id > mark.ChangeId, ct);
        foreach (var (key, (count, fen)) in await DeltaAsync(db, mark.EntryId, long.MaxValue, mark.ChangeId, long.MaxValue, ct))
        {
            totals.TryGetValue(key, out var t);
            totals[key] = (t.Item1 + count, t.Item2 + fen);
        }

        var revenue = (await db.PackOrderTotals.AsNoTracking().ToListAsync(ct)).ToDictionary(p => p.PackId, p => p.PriceFen);
        void Add(long packId, long fen) => revenue[packId] = revenue.GetValueOrDefault(packId) + fen;
        // Row lists, not GROUP BY: grouped, SQLite's planner (no ANALYZE statistics) prefers the PackId index to skip a
        // sort and walks every order. As written, refunds use the RefundedAt index and the newer orders the key range.
        var refunded = await db.Orders.AsNoTracking().Where(o => o.RefundedAt != null && o.Kind == OrderKind.Pack)
            .Select(o => new { o.Id, o.PackId, o.PriceFen }).ToListAsync(ct);
        foreach (var r in refunded.Where(r => r.Id <= mark.OrderId && r.PackId != null)) Add(r.PackId!.Value, -r.PriceFen);
        var newer = await db.Orders.AsNoTracking().Where(o => o.Id > mark.OrderId)
            .Select(o => new { o.Kind, o.PackId, Refunded = o.RefundedAt != null, o.PriceFen }).ToListAsync(ct);
        foreach (var n in newer.Where(n => n is { Kind: OrderKind.Pack, Refunded: false, PackId: not null })) Add(n.PackId!.Value, n.PriceFen);
        await tx.CommitAsync(ct);

        return new LedgerTotals(totals.Where(t => t.Value.Item1 != 0).ToDictionary(t => t.Key, t => (t.Value.Item1, t.Value.Item2)), revenue,
            mark.EntryId, tailEntries, tailChanges);
    }

    /// <summary>
    /// What to add to totals that reach (entryFrom, changeFrom) to make them reach (entryTo, changeTo): the entries in
    /// (entryFrom, entryTo] at their current status, and the moves in (changeFrom, changeTo] of entries ≤ entryFrom.
    /// </summary>
    private static async Task<Dictionary<LedgerTotalKey, (long Count, long Fen)>> DeltaAsync(LianDongDbContext db,
        long entryFrom, long entryTo, long changeFrom, long changeTo, CancellationToken ct)
    {
        // Entries beyond any amount the input limits accept are left out, as the nightly run leaves them Pending: their
        // SUM would overflow and fail the refresh (and with it the nightly verb) for everybody.
        const long MaxEntry = InputLimits.MaxEntryFen;
        var result = new Dictionary<LedgerTotalKey, (long Count, long Fen)>();
        void Add(LedgerTotalKey key, long count, long fen)
        {
            result.TryGetValue(key, out var t);
            result[key] = (t.Count + count, t.Fen + fen);
        }

        var entries = await (from e in db.LedgerEntries.AsNoTracking()
                             where e.Id > entryFrom && e.Id <= entryTo && e.AmountFen >= -MaxEntry && e.AmountFen <= MaxEntry
                             join o in db.Orders on e.OrderId equals o.Id into os
                             from o in os.DefaultIfEmpty()
                             group e.AmountFen by new { e.PostingDate, e.Kind, e.Status, PackId = o == null ? null : o.PackId } into g
                             select new { g.Key.PostingDate, g.Key.Kind, g.Key.Status, g.Key.PackId, Count = g.LongCount(), Fen = g.Sum() }).ToListAsync(ct);
        foreach (var x in entries) Add(new(x.PostingDate, x.Kind, x.Status, x.PackId), x.Count, x.Fen);

        if (entryFrom == 0) return result; // no aggregated entries yet: no move can apply to one
        var moves = await (from c in db.LedgerStatusChanges.AsNoTracking()
                           where c.Id > changeFrom && c.Id <= changeTo
                           join e in db.LedgerEntries on c.EntryId equals e.Id
                           where e.AmountFen >= -MaxEntry && e.AmountFen <= MaxEntry
                           join o in db.Orders on e.OrderId equals o.Id into os
                           from o in os.DefaultIfEmpty()
                           // "entry ≤ entryFrom" is a group key, not a WHERE: as a WHERE, SQLite walks the EntryId index
                           // over every change instead of the change key range.
                           group e.AmountFen by new { e.PostingDate, e.Kind, c.FromStatus, c.ToStatus, PackId = o == null ? null : o.PackId, Old = e.Id <= entryFrom } into g
                           select new { g.Key.PostingDate, g.Key.Kind, g.Key.FromStatus, g.Key.ToStatus, g.Key.PackId, g.Key.Old, Count = g.LongCount(), Fen = g.Sum() }).ToListAsync(ct);
        foreach (var m in moves.Where(m => m.Old))
        {
            Add(new(m.PostingDate, m.Kind, m.FromStatus, m.PackId), -m.Count, -m.Fen);
            Add(new(m.PostingDate, m.Kind, m.ToStatus, m.PackId), m.Count, m.Fen);
        }
        return result;
    }

    /// <summary>
    /// A read-only transaction that sees one snapshot. On SQLite a deferred BEGIN (the provider's default is
    /// BEGIN IMMEDIATE, which would wait for writers); in WAL mode its first read fixes the snapshot.
    /// </summary>
    private static async Task<DbTransaction> BeginSnapshotAsync(LianDongDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        DbTransaction tx = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await db.Database.UseTransactionAsync(tx, ct);
        return tx;
    }
}
