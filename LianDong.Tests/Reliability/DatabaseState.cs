using LianDong.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Reliability;

/// <summary>
/// What the crash tests compare and check on a database file: SQLite's own integrity check, and a canonical
/// description of the engine's state in natural keys (external ids, amounts, statuses), so two databases that applied
/// the same events in different processes — with different row ids and clocks — can be compared line by line.
/// </summary>
public static class DatabaseState
{
    /// <summary><c>PRAGMA integrity_check</c> on its own unpooled connection; "ok" when the file is sound.</summary>
    public static async Task<string> IntegrityCheckAsync(string databaseFile)
    {
        await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString());
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check;";
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    /// <summary>Ledger idempotency keys used more than once (the unique index should make this empty).</summary>
    public static async Task<List<string>> DuplicateIdempotencyKeysAsync(LianDongDbContext db) =>
        await db.LedgerEntries.GroupBy(e => e.IdempotencyKey).Where(g => g.Count() > 1).Select(g => g.Key).ToListAsync();

    /// <summary>
    /// Members, orders, ledger entries (and sums per member, kind and status), status changes, rank changes, channel
    /// tasks, support-fund movements, withheld rewards and pack sales, in external ids; sorted. Times the engine takes
    /// from the events are included; times a process takes from its own clock are not.
    /// </summary>
    public static async Task<List<string>> EngineFingerprintAsync(LianDongDbContext db)
    {
        var members = await db.Members.AsNoTracking().ToListAsync();
        var ext = members.ToDictionary(m => m.Id, m => m.ExternalId);
        string M(long? id) => id is long i ? ext[i] : "-";
        var orders = await db.Orders.AsNoTracking().ToListAsync();
        var orderExt = orders.ToDictionary(o => o.Id, o => o.ExternalId);
        string O(long? id) => id is long i ? orderExt[i] : "-";
        var tasks = await db.ChannelTasks.AsNoTracking().ToListAsync();
        var taskKey = tasks.ToDictionary(t => t.Id, t => $"{M(t.SeedMemberId)}/{O(t.QualifyingOrderId)}");
        var entries = await db.LedgerEntries.AsNoTracking().ToListAsync();
        var entryKey = entries.ToDictionary(e => e.Id, e =>
            $"order={O(e.OrderId)} to={M(e.BeneficiaryId)} {e.Kind} {e.AmountFen} posted={e.PostingDate:yyyy-MM-dd} settles={e.SettlesOn:yyyy-MM-dd} task={(e.ChannelTaskId is long t ? taskKey[t] : "-")}");

        var lines = new List<string>();
        lines.AddRange(members.Select(m =>
            $"member {m.ExternalId} ref={M(m.ReferrerId)} depth={m.Depth} at={m.RegisteredAt.UtcTicks} rank={m.Rank} leader={M(m.LeaderId)} " +
            $"former={M(m.FormerLeaderId)} peer={M(m.PeerBeneficiaryId)} qualified={m.QualifiedReferrals} " +
            $"team={m.TeamSize}/{m.TeamAgents}/{m.TeamPartners} led={m.LedAgents} task={(m.LatestTaskId is long lt ? taskKey[lt] : "-")}"));
        lines.AddRange(orders.Select(o =>
            $"order {o.ExternalId} {o.Kind} by={M(o.MemberId)} price={o.PriceFen} cost={o.CostFen} paid={o.PaidAt.UtcTicks} " +
            $"qualifying={o.IsQualifying} counted={M(o.CountedForMemberId)} refunded={o.RefundedAt?.UtcTicks}"));
        lines.AddRange(entries.Select(e =>
            $"entry {entryKey[e.Id]} status={e.Status} reverses={(e.ReversesEntryId is long r ? entryKey[r] : "-")}"));
        lines.AddRange(entries.GroupBy(e => (e.BeneficiaryId, e.Kind, e.Status))
            .Select(g => $"sum {M(g.Key.BeneficiaryId)} {g.Key.Kind} {g.Key.Status} n={g.Count()} fen={g.Sum(e => e.AmountFen)}"));
        lines.AddRange((await db.LedgerStatusChanges.AsNoTracking().ToListAsync())
            .Select(c => $"change {entryKey[c.EntryId]} {c.FromStatus}->{c.ToStatus}"));
        lines.AddRange((await db.MemberRankChanges.AsNoTracking().ToListAsync())
            .Select(c => $"rank {M(c.MemberId)} {c.FromRank}->{c.ToRank} {c.Reason} order={O(c.OrderId)} at={c.At.UtcTicks}"));
        lines.AddRange(tasks.Select(t =>
            $"task {taskKey[t.Id]} partner={M(t.PartnerId)} {t.Kind} {t.Progress}/{t.Target} {t.Status} deadline={t.DeadlineDate:yyyy-MM-dd}"));
        lines.AddRange((await db.SupportFundMovements.AsNoTracking().ToListAsync())
            .Select(f => $"fund {f.Kind} {f.AmountFen} member={M(f.MemberId)} entry={(f.LedgerEntryId is long l ? entryKey[l] : "-")}"));
        lines.AddRange((await db.WithheldRewards.AsNoTracking().ToListAsync())
            .Select(w => $"withheld order={O(w.OrderId)} to={M(w.BeneficiaryId)} {w.Kind} {w.Slot} {w.AmountFen} d={w.Distance} {w.Reason}"));
        lines.AddRange((await db.GiftPacks.AsNoTracking().ToListAsync()).Select(p => $"pack {p.Code} stock={p.Stock} sold={p.SoldCount}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>
    /// What nightly runs did, for two databases grown from the same file (so row ids of entries, members and tasks
    /// agree): run rows per date (outcome, step, counters), status changes, settlement batches and lines, support-fund
    /// movements, and the status of every entry and channel task; sorted. Times, actors and attempts are left out.
    /// </summary>
    public static async Task<List<string>> NightlyFingerprintAsync(LianDongDbContext db)
    {
        var runDate = await db.NightlyRuns.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.BusinessDate);
        string R(long? id) => id is long i ? runDate[i].ToString("yyyy-MM-dd") : "-";
        var batchDate = await db.SettlementBatches.AsNoTracking().ToDictionaryAsync(b => b.Id, b => b.BusinessDate);
        var lines = new List<string>();
        lines.AddRange((await db.NightlyRuns.AsNoTracking().ToListAsync()).Select(r =>
            $"run {r.BusinessDate:yyyy-MM-dd} {r.Outcome} step={r.StepReached} expired={r.ExpiredTasks} forfeited={r.ForfeitedEntries}/{r.ForfeitedFen} " +
            $"released={r.ReleasedEntries} settled={r.SettledEntries}/{r.SettledFen} error={r.Error}"));
        lines.AddRange((await db.LedgerStatusChanges.AsNoTracking().ToListAsync())
            .Select(c => $"change {c.EntryId} {c.FromStatus}->{c.ToStatus} run={R(c.NightlyRunId)}"));
        lines.AddRange((await db.SettlementBatches.AsNoTracking().ToListAsync())
            .Select(b => $"batch {b.BusinessDate:yyyy-MM-dd} run={R(b.NightlyRunId)} members={b.MemberCount} entries={b.EntryCount} fen={b.TotalFen}"));
        lines.AddRange((await db.SettlementLines.AsNoTracking().ToListAsync())
            .Select(l => $"line {batchDate[l.BatchId]:yyyy-MM-dd} member={l.MemberId} entries={l.EntryCount} fen={l.AmountFen}"));
        lines.AddRange((await db.SupportFundMovements.AsNoTracking().ToListAsync())
            .Select(f => $"fund {f.Kind} {f.AmountFen} entry={f.LedgerEntryId} member={f.MemberId} run={R(f.NightlyRunId)}"));
        lines.AddRange((await db.LedgerEntries.AsNoTracking().Select(e => new { e.Id, e.Status }).ToListAsync()).Select(e => $"entry {e.Id} {e.Status}"));
        lines.AddRange((await db.ChannelTasks.AsNoTracking().Select(t => new { t.Id, t.Status }).ToListAsync()).Select(t => $"task {t.Id} {t.Status}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>Lines only in one of the two descriptions (empty when they are equal), at most <paramref name="max"/> each way.</summary>
    public static string Difference(IReadOnlyList<string> expected, IReadOnlyList<string> actual, int max = 20)
    {
        var e = expected.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var a = actual.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var missing = e.Where(kv => a.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => "- " + kv.Key).Take(max).ToList();
        var extra = a.Where(kv => e.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => "+ " + kv.Key).Take(max).ToList();
        return missing.Count + extra.Count == 0 ? "" : string.Join("\n", missing.Concat(extra));
    }
}
