using LianDong.Domain.Compliance;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Support;

/// <summary>
/// The engine's invariants, checked over a whole database file after a test (races, crashes, fuzzing). Reads the file
/// through its own read-only context, so it works for any host (test host, engine host, a real process's file).
/// Each check lists what is wrong; <see cref="AssertAllAsync"/> fails with every problem found.
/// </summary>
public static class InvariantChecks
{
    /// <summary>
    /// Section 9: a pack order pays at most price − cost; retail shares add up to at most 40 % of the amount (the cap of
    /// retail.maxTotalPercent); at most 3 beneficiaries per order.
    /// </summary>
    private const int MaxRetailPercent = 40;

    public sealed record Figures(int Members, int Orders, int RefundedOrders, int Entries, int StatusChanges, int FundMovements,
        int SettlementLines, int PayoutLines)
    {
        public override string ToString() =>
            $"{Members} members, {Orders} orders ({RefundedOrders} refunded), {Entries} ledger entries, {StatusChanges} status changes, " +
            $"{FundMovements} fund movements, {SettlementLines} settlement lines, {PayoutLines} payout lines";
    }

    /// <summary>Runs every check; throws with the full list of problems when any fails; returns what was checked.</summary>
    public static async Task<Figures> AssertAllAsync(string databaseFile)
    {
        var (problems, figures) = await CheckAsync(databaseFile);
        Assert.True(problems.Count == 0, $"{problems.Count} invariant violation(s) in {databaseFile}:\n" + string.Join("\n", problems.Take(50)));
        return figures;
    }

    public static async Task<(List<string> Problems, Figures Figures)> CheckAsync(string databaseFile)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            { DataSource = databaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        // One deferred (read) transaction: a consistent WAL snapshot even if a writer is still running.
        await using var tx = connection.BeginTransaction(deferred: true);
        await using var db = new LianDongDbContext(new DbContextOptionsBuilder<LianDongDbContext>().UseSqlite(connection).Options);
        await db.Database.UseTransactionAsync(tx);
        var entries = await db.LedgerEntries.AsNoTracking().ToListAsync();
        var changes = await db.LedgerStatusChanges.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        var members = await db.Members.AsNoTracking().ToListAsync();
        var orders = await db.Orders.AsNoTracking().ToListAsync();
        var fund = await db.SupportFundMovements.AsNoTracking().ToListAsync();
        var settlementBatches = await db.SettlementBatches.AsNoTracking().ToListAsync();
        var settlementLines = await db.SettlementLines.AsNoTracking().ToListAsync();
        var runs = await db.NightlyRuns.AsNoTracking().ToListAsync();
        var batches = await db.PayoutBatches.AsNoTracking().ToListAsync();
        var lines = await db.PayoutLines.AsNoTracking().ToListAsync();
        var lineEntries = await db.PayoutLineEntries.AsNoTracking().ToListAsync();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.Action.StartsWith("payout")).ToListAsync();

        var p = new List<string>();
        var entryById = entries.ToDictionary(e => e.Id);
        var orderById = orders.ToDictionary(o => o.Id);

        // 1. Every posting has a unique idempotency key.
        foreach (var g in entries.GroupBy(e => e.IdempotencyKey).Where(g => g.Count() > 1 || string.IsNullOrEmpty(g.Key)))
            p.Add($"idempotency key \"{g.Key}\" on {g.Count()} entries ({string.Join(",", g.Select(e => e.Id))})");

        // 2. Each entry's status history is a chain of allowed moves from a valid posting status to its status now.
        var history = changes.ToLookup(c => c.EntryId);
        foreach (var c in changes.Where(c => !entryById.ContainsKey(c.EntryId))) p.Add($"status change {c.Id} for a missing entry {c.EntryId}");
        foreach (var e in entries)
        {
            var chain = history[e.Id].ToList();
            var posted = chain.Count > 0 ? chain[0].FromStatus : e.Status;
            var postedOk = e.Kind is EntryKind.Clawback or EntryKind.Grant ? posted == EntryStatus.Available : posted is EntryStatus.Pending or EntryStatus.Frozen;
            if (!postedOk) p.Add($"entry {e.Id} ({e.Kind}) was posted {posted}");
            var at = posted;
            foreach (var c in chain)
            {
                if (c.FromStatus != at) p.Add($"entry {e.Id}: change {c.Id} moves from {c.FromStatus} but the entry was {at}");
                if (!LedgerTransitions.IsAllowed(c.FromStatus, c.ToStatus)) p.Add($"entry {e.Id}: change {c.Id} {c.FromStatus}→{c.ToStatus} is not allowed");
                at = c.ToStatus;
            }
            if (at != e.Status) p.Add($"entry {e.Id} is {e.Status} but its history ends at {at}");
            if (e.Kind == EntryKind.Clawback ? e.AmountFen >= 0 : e.AmountFen <= 0) p.Add($"entry {e.Id} ({e.Kind}) carries {e.AmountFen} fen");
        }

        // 3. No order rewarded twice, none over the payout limit; refunds reverse every entry, and only refunds do.
        var byOrder = entries.Where(e => e.OrderId is not null).ToLookup(e => e.OrderId!.Value);
        var clawbackOf = entries.Where(e => e.Kind == EntryKind.Clawback).ToLookup(e => e.ReversesEntryId ?? 0);
        var takeBackOf = fund.Where(m => m.Kind == FundMovementKind.RefundTakeBack).ToLookup(m => m.LedgerEntryId ?? 0);
        foreach (var o in orders)
        {
            var own = byOrder[o.Id].ToList();
            var rewards = own.Where(e => e.Kind != EntryKind.Clawback).ToList();
            foreach (var g in rewards.GroupBy(e => e.IdempotencyKey).Where(g => g.Count() > 1)) p.Add($"order {o.ExternalId} rewarded twice under {g.Key}");
            foreach (var e in rewards.Where(e => !e.IdempotencyKey.StartsWith($"ord:{o.Id}:", StringComparison.Ordinal)))
                p.Add($"entry {e.Id} of order {o.ExternalId} has the key {e.IdempotencyKey}, not one of this order");
            var total = rewards.Sum(e => e.AmountFen);
            if (o.Kind == OrderKind.Pack ? total > o.PriceFen - o.CostFen : total * 100 > o.PriceFen * MaxRetailPercent)
                p.Add($"{o.Kind} order {o.ExternalId} paid {total} fen of rewards on a price of {o.PriceFen} (cost {o.CostFen})");
            if (rewards.Select(e => e.BeneficiaryId).Distinct().Count() > 3) p.Add($"order {o.ExternalId} rewarded more than 3 members");
            if (!o.IsQualifying && rewards.Any(e => e.Kind is EntryKind.Direct or EntryKind.SeePoint or EntryKind.Peer))
                p.Add($"order {o.ExternalId} is not qualifying but posted 2+1 rewards");
            foreach (var e in rewards)
            {
                var claws = clawbackOf[e.Id].ToList();
                var takes = takeBackOf[e.Id].ToList();
                if (claws.Count > 1 || takes.Count > 1) p.Add($"entry {e.Id} of order {o.ExternalId} reversed {claws.Count + takes.Count} times");
                if (!o.IsRefunded)
                {
                    if (e.Status == EntryStatus.Cancelled || claws.Count > 0 || takes.Count > 0)
                        p.Add($"entry {e.Id} of the unrefunded order {o.ExternalId} is reversed ({e.Status}, {claws.Count} clawbacks, {takes.Count} take-backs)");
                    continue;
                }
                var reversed = e.Status switch
                {
                    EntryStatus.Cancelled => claws.Count == 0 && takes.Count == 0,
                    EntryStatus.Available or EntryStatus.Paid => claws.Count == 1 && claws[0].AmountFen == -e.AmountFen && claws[0].BeneficiaryId == e.BeneficiaryId && claws[0].OrderId == o.Id,
                    EntryStatus.Forfeited => takes.Count == 1 && takes[0].AmountFen == -e.AmountFen,
                    _ => false,
                };
                if (!reversed) p.Add($"entry {e.Id} of the refunded order {o.ExternalId} is {e.Status} with {claws.Count} clawbacks and {takes.Count} take-backs");
            }
        }
        foreach (var c in entries.Where(e => e.Kind == EntryKind.Clawback))
            if (c.ReversesEntryId is not long r || !entryById.TryGetValue(r, out var orig) || orig.OrderId != c.OrderId || c.OrderId is not long oid || !orderById[oid].IsRefunded)
                p.Add($"clawback {c.Id} reverses no entry of a refunded order");

        // 4. Team counters and qualified-referral counts equal a recount from the tree.
        var size = new Dictionary<long, int>(); var agents = new Dictionary<long, int>(); var partners = new Dictionary<long, int>();
        var led = members.Where(m => m.Rank == MemberRank.Agent && m.LeaderId != null).GroupBy(m => m.LeaderId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var counted = orders.Where(o => o.CountedForMemberId != null && !o.IsRefunded).GroupBy(o => o.CountedForMemberId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var memberById = members.ToDictionary(m => m.Id);
        foreach (var m in members)
        {
            var expectedPath = m.ReferrerId is long r && memberById.TryGetValue(r, out var referrer) ? referrer.DescendantPathPrefix : "/";
            if (m.Path != expectedPath) p.Add($"member {m.ExternalId}'s path {m.Path} is not its referrer's ({expectedPath})");
            foreach (var a in Member.ParsePath(m.Path))
            {
                size[a] = size.GetValueOrDefault(a) + 1;
                if (m.Rank == MemberRank.Agent) agents[a] = agents.GetValueOrDefault(a) + 1;
                if (m.Rank == MemberRank.Partner) partners[a] = partners.GetValueOrDefault(a) + 1;
            }
        }
        foreach (var m in members)
        {
            var cached = (m.TeamSize, m.TeamAgents, m.TeamPartners, m.LedAgents);
            var recount = (size.GetValueOrDefault(m.Id), agents.GetValueOrDefault(m.Id), partners.GetValueOrDefault(m.Id), led.GetValueOrDefault(m.Id));
            if (cached != recount) p.Add($"member {m.ExternalId}: counters (size, agents, partners, led) {cached} but the tree says {recount}");
            if (m.QualifiedReferrals != counted.GetValueOrDefault(m.Id))
                p.Add($"member {m.ExternalId}: {m.QualifiedReferrals} qualified referrals but {counted.GetValueOrDefault(m.Id)} unrefunded orders counted for it");
        }
        foreach (var g in orders.GroupBy(o => o.ExternalId).Where(g => g.Count() > 1)) p.Add($"order id {g.Key} stored {g.Count()} times");
        foreach (var g in members.GroupBy(m => m.ExternalId).Where(g => g.Count() > 1)) p.Add($"member id {g.Key} stored {g.Count()} times");

        // 5. The support fund is its movements: one forfeit per Forfeited entry, of its amount; one movement per grant entry.
        var forfeitsOf = fund.Where(m => m.Kind == FundMovementKind.Forfeit).ToLookup(m => m.LedgerEntryId ?? 0);
        foreach (var e in entries)
        {
            var f = forfeitsOf[e.Id].ToList();
            if (e.Status == EntryStatus.Forfeited ? f.Count != 1 || f[0].AmountFen != e.AmountFen : f.Count != 0)
                p.Add($"entry {e.Id} is {e.Status} with {f.Count} forfeit movements");
        }
        var grants = entries.Where(e => e.Kind == EntryKind.Grant).ToList();
        var grantMoves = fund.Where(m => m.Kind == FundMovementKind.Grant).ToList();
        if (grants.Sum(e => e.AmountFen) != -grantMoves.Sum(m => m.AmountFen) || grants.Count != grantMoves.Count)
            p.Add($"grants: {grants.Count} entries of {grants.Sum(e => e.AmountFen)} fen but {grantMoves.Count} fund movements of {-grantMoves.Sum(m => m.AmountFen)} fen");
        foreach (var m in fund.Where(m => m.Kind != FundMovementKind.Grant && (m.LedgerEntryId is not long id || !entryById.ContainsKey(id))))
            p.Add($"fund movement {m.Id} ({m.Kind}) names no ledger entry");

        // 6. Settlement lines are exactly the entries their run settled; no entry settled twice.
        foreach (var g in changes.Where(c => c.FromStatus == EntryStatus.Pending && c.ToStatus == EntryStatus.Available).GroupBy(c => c.EntryId).Where(g => g.Count() > 1))
            p.Add($"entry {g.Key} settled {g.Count()} times");
        foreach (var g in settlementBatches.GroupBy(b => b.BusinessDate).Where(g => g.Count() > 1)) p.Add($"business date {g.Key} has {g.Count()} settlement batches");
        foreach (var g in runs.GroupBy(r => r.BusinessDate).Where(g => g.Count() > 1)) p.Add($"business date {g.Key} has {g.Count()} nightly runs");
        var settledByRun = changes.Where(c => c.NightlyRunId != null && c.FromStatus == EntryStatus.Pending && c.ToStatus == EntryStatus.Available)
            .ToLookup(c => c.NightlyRunId!.Value);
        foreach (var b in settlementBatches)
        {
            var expected = settledByRun[b.NightlyRunId].GroupBy(c => entryById[c.EntryId].BeneficiaryId)
                .ToDictionary(g => g.Key, g => (Count: g.Count(), Fen: g.Sum(c => entryById[c.EntryId].AmountFen)));
            var got = settlementLines.Where(l => l.BatchId == b.Id).ToDictionary(l => l.MemberId, l => (Count: l.EntryCount, Fen: l.AmountFen));
            if (expected.Count != got.Count || expected.Any(kv => !got.TryGetValue(kv.Key, out var v) || v != kv.Value))
                p.Add($"settlement batch of {b.BusinessDate}: {got.Count} lines do not match the {expected.Count} members its run settled");
            if (b.TotalFen != got.Values.Sum(v => v.Fen) || b.EntryCount != got.Values.Sum(v => v.Count) || b.MemberCount != got.Count)
                p.Add($"settlement batch of {b.BusinessDate}: totals ({b.MemberCount}, {b.EntryCount}, {b.TotalFen}) are not the sums of its lines");
        }

        // 7. Payouts: no entry paid twice; Paid entries are exactly those of pending or paid lines of approved batches.
        var batchById = batches.ToDictionary(b => b.Id);
        var lineById = lines.ToDictionary(l => l.Id);
        bool Approved(PayoutBatch b) => b.Status is PayoutBatchStatus.Approved or PayoutBatchStatus.Exported or PayoutBatchStatus.Closed;
        foreach (var e in entries)
        {
            var inLines = lineEntries.Where(le => le.EntryId == e.Id).Select(le => lineById[le.LineId]).Where(l => Approved(batchById[l.BatchId])).ToList();
            var live = inLines.Count(l => l.Status is PayoutLineStatus.Pending or PayoutLineStatus.Paid);
            var failed = inLines.Count(l => l.Status == PayoutLineStatus.Failed);
            var paidMoves = history[e.Id].Count(c => c.FromStatus == EntryStatus.Available && c.ToStatus == EntryStatus.Paid);
            var backMoves = history[e.Id].Count(c => c.FromStatus == EntryStatus.Paid && c.ToStatus == EntryStatus.Available);
            if (live > 1) p.Add($"entry {e.Id} is paid by {live} payout lines");
            if ((e.Status == EntryStatus.Paid) != (live == 1)) p.Add($"entry {e.Id} is {e.Status} but in {live} live payout lines");
            if (paidMoves != inLines.Count || backMoves != failed)
                p.Add($"entry {e.Id}: {paidMoves} moves to Paid and {backMoves} back, for {inLines.Count} approved lines of which {failed} failed");
        }
        foreach (var l in lines)
        {
            var mine = lineEntries.Where(le => le.LineId == l.Id).ToList();
            if (mine.Sum(le => le.AmountFen) != l.AmountFen || mine.Any(le => entryById[le.EntryId].AmountFen != le.AmountFen || entryById[le.EntryId].BeneficiaryId != l.MemberId))
                p.Add($"payout line {l.Reference} of {l.AmountFen} fen is not the sum of its member's entries");
            var b = batchById[l.BatchId];
            if (l.Status != PayoutLineStatus.Pending && !Approved(b)) p.Add($"payout line {l.Reference} is {l.Status} in a {b.Status} batch");
            var resolvedAudits = audit.Count(a => a.Subject == $"payout-line:{l.Reference}" && a.Action is AuditActions.PayoutLinePaid or AuditActions.PayoutLineFailed);
            if (resolvedAudits != (l.Status == PayoutLineStatus.Pending ? 0 : 1))
                p.Add($"payout line {l.Reference} is {l.Status} with {resolvedAudits} audit rows for its resolution");
        }
        foreach (var b in batches)
        {
            var mine = lines.Where(l => l.BatchId == b.Id).ToList();
            if (mine.Count != b.LineCount || mine.Sum(l => l.AmountFen) != b.TotalFen) p.Add($"payout batch {b.Reference}: totals are not the sums of its lines");
            var approvals = audit.Count(a => a.Subject == $"payout:{b.Reference}" && a.Action == AuditActions.PayoutApprove);
            if (approvals != (Approved(b) ? 1 : 0)) p.Add($"payout batch {b.Reference} is {b.Status} with {approvals} approval audit rows");
            if (b.Status == PayoutBatchStatus.Closed && mine.Any(l => l.Status == PayoutLineStatus.Pending)) p.Add($"payout batch {b.Reference} is Closed with pending lines");
        }

        return (p, new Figures(members.Count, orders.Count, orders.Count(o => o.IsRefunded), entries.Count, changes.Count, fund.Count,
            settlementLines.Count, lines.Count));
    }
}
