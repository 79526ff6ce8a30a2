using LianDong.Domain.Compliance;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Payouts;

/// <summary>A member the batch would pay; account name and number masked.</summary>
public sealed record PayoutCandidate(long MemberId, string MemberExternalId, string? MemberName, long AmountFen, string MaskedAccountName, string BankName, string MaskedAccountNo);

public sealed record PayoutExclusion(long MemberId, string MemberExternalId, string? MemberName, long AvailableFen, string Reason);

public sealed record PayoutPreview(long MinPayoutFen, IReadOnlyList<PayoutCandidate> Included, IReadOnlyList<PayoutExclusion> Excluded)
{
    public long TotalFen => Included.Sum(c => c.AmountFen);
}

public sealed record PayoutLineRow(long Id, long MemberId, string MemberExternalId, long AmountFen, string MaskedAccountName, string BankName, string MaskedAccountNo,
    string Reference, PayoutLineStatus Status, string? FailureReason, DateTimeOffset? ResolvedAt);

/// <summary>
/// Payout batches (section 7: finance pays Available balances out). A batch is built from the members whose available
/// balance reaches the minimum payout and who have a payout account; it moves no money until a second person approves
/// it. Approval moves exactly the entries the batch was built from Available → Paid by compare-and-set, in one
/// transaction: if any of them moved meanwhile (another batch, a clawback), nothing is approved. A failed line moves its
/// entries back to Available. Every action is audited.
/// </summary>
public sealed class PayoutService(IDbContextFactory<LianDongDbContext> dbFactory, PayoutAccountService accounts, TimeProvider time)
{
    private const int LineChunk = 2_000;
    // Status numbers written into the SQL as literals (no user input), as in NightlyRunService.
    private const int Available = (int)EntryStatus.Available, Paid = (int)EntryStatus.Paid;

    public async Task<PayoutPreview> PreviewAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PreviewAsync(db, ct);
    }

    private async Task<PayoutPreview> PreviewAsync(LianDongDbContext db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rules = await db.RuleSets.AsNoTracking().InEffectAt(now).FirstOrDefaultAsync(ct);
        var min = rules?.Parameters.MinPayoutFen ?? RuleParameters.Defaults.MinPayoutFen;
        var balances = await db.LedgerEntries.AsNoTracking().Where(e => e.Status == EntryStatus.Available)
            .GroupBy(e => e.BeneficiaryId).Select(g => new { MemberId = g.Key, Sum = g.Sum(e => e.AmountFen) })
            .Where(x => x.Sum > 0).ToListAsync(ct);
        var ids = balances.Select(b => b.MemberId).ToList();
        var members = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.ExternalId, m.Name }).ToDictionaryAsync(m => m.Id, ct);
        // Lines of batches not yet approved still hold Available entries: such a member waits for that batch.
        var open = await db.PayoutLines.AsNoTracking()
            .Where(l => ids.Contains(l.MemberId) && db.PayoutBatches.Any(b => b.Id == l.BatchId && b.Status == PayoutBatchStatus.Created))
            .Select(l => new { l.MemberId, l.BatchId }).ToListAsync(ct);
        var openBatch = open.GroupBy(o => o.MemberId).ToDictionary(g => g.Key, g => g.Min(o => o.BatchId));
        var found = await accounts.GetMaskedAsync(ids, ct);

        var included = new List<PayoutCandidate>();
        var excluded = new List<PayoutExclusion>();
        foreach (var b in balances.OrderBy(b => b.MemberId))
        {
            var m = members[b.MemberId];
            string? reason = null;
            if (b.Sum < min) reason = $"可提现余额低于最低提现额 Available {Yuan(b.Sum)} is below the minimum payout {Yuan(min)}";
            else if (openBatch.TryGetValue(b.MemberId, out var batchId)) reason = $"已在待审批批次 Already in batch PB{batchId:D6}, not yet approved";
            else if (!found.ContainsKey(b.MemberId)) reason = "没有收款账户 No payout account";
            if (reason is null)
            {
                var acc = found[b.MemberId];
                included.Add(new PayoutCandidate(b.MemberId, m.ExternalId, m.Name, b.Sum, acc.AccountName, acc.BankName, acc.AccountNo));
            }
            else excluded.Add(new PayoutExclusion(b.MemberId, m.ExternalId, m.Name, b.Sum, reason));
        }
        return new PayoutPreview(min, included, excluded);
    }

    /// <summary>Builds a batch from the preview as it stands now (recomputed inside the transaction).</summary>
    public async Task<PayoutBatch> BuildAsync(string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var preview = await PreviewAsync(db, ct);
        if (preview.Included.Count == 0) throw new PayoutRuleException("没有可提现的会员 No member can be paid out now (see the members left out).");
        var now = time.GetUtcNow();
        var batch = new PayoutBatch(now, actor, preview.MinPayoutFen, preview.Included.Count, preview.TotalFen);
        db.PayoutBatches.Add(batch);
        await db.SaveChangesAsync(ct);

        // Lines in chunks, the tracker cleared after each (a payout can have 100,000+ lines); then each line's entries in
        // one set-based INSERT. The transaction holds the write lock since the preview, so nothing moved in between.
        var n = 0;
        foreach (var chunk in preview.Included.Chunk(LineChunk))
        {
            db.PayoutLines.AddRange(chunk.Select(c =>
                new PayoutLine(batch.Id, c.MemberId, c.AmountFen, c.MaskedAccountName, c.BankName, c.MaskedAccountNo, $"{batch.Reference}-{++n:D6}")));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO PayoutLineEntries (LineId, EntryId, AmountFen)
            SELECT l.Id, e.Id, e.AmountFen
            FROM PayoutLines l JOIN LedgerEntries e ON e.BeneficiaryId = l.MemberId AND e.Status = {{Available}}
            WHERE l.BatchId = {0}
            ORDER BY l.Id, e.Id
            """, [batch.Id], ct);
        var unequal = await db.Database.SqlQueryRaw<string>("""
            SELECT l.Reference AS Value FROM PayoutLines l
            WHERE l.BatchId = {0} AND l.AmountFen <> COALESCE((SELECT SUM(x.AmountFen) FROM PayoutLineEntries x WHERE x.LineId = l.Id), 0)
            LIMIT 1
            """, batch.Id).ToListAsync(ct);
        if (unequal.Count > 0) // a defect, not a race: the preview and the entries are read in the same write transaction
            throw new PayoutRuleException($"line {unequal[0]}'s entries do not add up to its amount; nothing was built — build again");
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutCreate, $"payout:{batch.Reference}", null,
            $"lines={batch.LineCount}; totalFen={batch.TotalFen}; minPayoutFen={batch.MinPayoutFen}; leftOut={preview.Excluded.Count}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch;
    }

    /// <summary>
    /// The second person's approval: moves the batch's entries Available → Paid. Refused for the batch's creator, for a
    /// batch that is not waiting for approval, and when any entry is no longer Available or a member's remaining
    /// available balance would go negative (nothing is applied then).
    /// </summary>
    public async Task ApproveAsync(long batchId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.PayoutBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct)
            ?? throw new PayoutRuleException($"没有该批次 No payout batch {batchId}");
        if (string.Equals(batch.CreatedBy, actor, StringComparison.OrdinalIgnoreCase))
            throw new PayoutRuleException($"批次须由另一人审批 {batch.Reference} was built by {actor}; a second finance user or an admin must approve it");
        if (batch.Status != PayoutBatchStatus.Created)
            throw new PayoutRuleException($"{batch.Reference} is {batch.Status}, not waiting for approval");

        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The compare-and-set on the batch is the first write: of two concurrent approvals exactly one gets past it.
        var won = await db.PayoutBatches.Where(b => b.Id == batchId && b.Status == PayoutBatchStatus.Created && b.CreatedBy != actor)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Approved)
                .SetProperty(b => b.ApprovedBy, actor).SetProperty(b => b.ApprovedAt, now), ct);
        if (won == 0) throw new PayoutRuleException($"{batch.Reference} was approved by someone else a moment ago");

        // Every entry of the batch Available → Paid, set-based: first the check (inside the write transaction, so it
        // stays true), then the move and its status-change rows.
        var moved = await db.Database.SqlQueryRaw<string>($$"""
            SELECT 'ledger entry ' || x.EntryId || ' of line ' || l.Reference AS Value
            FROM PayoutLines l JOIN PayoutLineEntries x ON x.LineId = l.Id JOIN LedgerEntries e ON e.Id = x.EntryId
            WHERE l.BatchId = {0} AND e.Status <> {{Available}}
            ORDER BY x.Id LIMIT 1
            """, batchId).ToListAsync(ct);
        if (moved.Count > 0)
            throw new PayoutRuleException($"{moved[0]} is no longer Available (paid or changed since the batch was built); nothing was approved — build a new batch");
        var args = new object[] { batchId, now.UtcTicks, actor };
        var changes = await db.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
            SELECT x.EntryId, {{Available}}, {{Paid}}, {1}, {2}, NULL
            FROM PayoutLines l JOIN PayoutLineEntries x ON x.LineId = l.Id
            WHERE l.BatchId = {0}
            ORDER BY x.Id
            """, args, ct);
        var entryCount = await db.Database.ExecuteSqlRawAsync($$"""
            UPDATE LedgerEntries SET Status = {{Paid}}
            WHERE Status = {{Available}} AND Id IN (SELECT x.EntryId FROM PayoutLines l JOIN PayoutLineEntries x ON x.LineId = l.Id WHERE l.BatchId = {0})
            """, args, ct);
        if (entryCount != changes) throw new InvalidOperationException($"{batch.Reference}: {changes} status changes recorded for {entryCount} entries moved");
        var memberIds = await db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batchId).Select(l => l.MemberId).ToListAsync(ct);
        var negative = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available && memberIds.Contains(e.BeneficiaryId))
            .GroupBy(e => e.BeneficiaryId).Select(g => new { g.Key, Sum = g.Sum(e => e.AmountFen) }).Where(x => x.Sum < 0).ToListAsync(ct);
        if (negative.Count > 0)
            throw new PayoutRuleException($"a clawback posted since the batch was built would pay member {negative[0].Key} more than they have; nothing was approved — build a new batch");

        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutApprove, $"payout:{batch.Reference}", "Created",
            $"Approved; lines={batch.LineCount}; totalFen={batch.TotalFen}; entries={entryCount}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Cancels a batch that is not approved yet (it moved no money), so its members can go into a new batch — e.g. after
    /// an approval was refused because a clawback came in since the build. Audited.
    /// </summary>
    public async Task CancelAsync(long batchId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.PayoutBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct)
            ?? throw new PayoutRuleException($"没有该批次 No payout batch {batchId}");
        var now = time.GetUtcNow();
        var done = await db.PayoutBatches.Where(b => b.Id == batchId && b.Status == PayoutBatchStatus.Created)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Cancelled).SetProperty(b => b.ClosedAt, now), ct);
        if (done == 0) throw new PayoutRuleException($"{batch.Reference} is {batch.Status}; only a batch waiting for approval can be cancelled");
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutCancel, $"payout:{batch.Reference}", "Created", "Cancelled"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Records an export for the bank (audited every time); the first export moves Approved → Exported.</summary>
    public async Task RecordExportAsync(long batchId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.PayoutBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct)
            ?? throw new PayoutRuleException($"没有该批次 No payout batch {batchId}");
        if (batch.Status == PayoutBatchStatus.Created)
            throw new PayoutRuleException($"{batch.Reference} is not approved yet; it cannot be sent to the bank");
        var now = time.GetUtcNow();
        await db.PayoutBatches.Where(b => b.Id == batchId && b.Status == PayoutBatchStatus.Approved)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Exported).SetProperty(b => b.ExportedAt, now), ct);
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutExport, $"payout:{batch.Reference}", batch.Status.ToString(), "bank file"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Marks one line paid or failed by hand. A failed line's entries go back to Available.</summary>
    public async Task ResolveLineAsync(long lineId, bool paid, string? reason, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var line = await db.PayoutLines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lineId, ct)
            ?? throw new PayoutRuleException($"没有该明细 No payout line {lineId}");
        if (!paid && string.IsNullOrWhiteSpace(reason)) throw new PayoutRuleException("请填写失败原因 A failed line needs a reason");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ResolveAsync(db, line, paid, reason, actor, "manual", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Applies the bank's result file to a batch: all rows or none. Every row must name a line of this batch that is still
    /// pending, with the line's exact amount.
    /// </summary>
    public async Task<IReadOnlyList<string>> ImportResultAsync(long batchId, TextReader file, string actor, CancellationToken ct = default)
    {
        var parsed = PayoutResultFile.Parse(file);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.PayoutBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct)
            ?? throw new PayoutRuleException($"没有该批次 No payout batch {batchId}");
        var errors = parsed.Errors.ToList();
        var lines = await db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batchId).ToDictionaryAsync(l => l.Reference, ct);
        if (batch.Status is PayoutBatchStatus.Created) errors.Insert(0, $"{batch.Reference} is not approved yet");
        foreach (var row in parsed.Rows)
        {
            if (!lines.TryGetValue(row.Reference, out var line)) errors.Add($"line {row.LineNumber}: reference {row.Reference} is not a line of {batch.Reference}");
            else if (line.Status != PayoutLineStatus.Pending) errors.Add($"line {row.LineNumber}: {row.Reference} is already {line.Status}");
            else if (line.AmountFen != row.AmountFen) errors.Add($"line {row.LineNumber}: {row.Reference} amount {Yuan(row.AmountFen)} differs from the batch's {Yuan(line.AmountFen)}");
            else if (!row.Paid && row.Reason is null) errors.Add($"line {row.LineNumber}: {row.Reference} failed without a reason");
        }
        if (errors.Count > 0) return errors;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var row in parsed.Rows)
            await ResolveAsync(db, lines[row.Reference], row.Paid, row.Reason, actor, "import", ct);
        db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, AuditActions.PayoutImport, $"payout:{batch.Reference}", null,
            $"rows={parsed.Rows.Count}; paid={parsed.Rows.Count(r => r.Paid)}; failed={parsed.Rows.Count(r => !r.Paid)}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return [];
    }

    private async Task ResolveAsync(LianDongDbContext db, PayoutLine line, bool paid, string? reason, string actor, string how, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var batch = await db.PayoutBatches.AsNoTracking().FirstAsync(b => b.Id == line.BatchId, ct);
        if (batch.Status is PayoutBatchStatus.Created) throw new PayoutRuleException($"{batch.Reference} is not approved yet");
        var to = paid ? PayoutLineStatus.Paid : PayoutLineStatus.Failed;
        var moved = await db.PayoutLines.Where(l => l.Id == line.Id && l.Status == PayoutLineStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, to).SetProperty(l => l.ResolvedAt, now)
                .SetProperty(l => l.ResolvedBy, actor).SetProperty(l => l.FailureReason, paid ? null : reason), ct);
        if (moved == 0) throw new PayoutRuleException($"{line.Reference} is no longer pending");
        if (!paid)
        {
            var entryIds = await db.PayoutLineEntries.AsNoTracking().Where(x => x.LineId == line.Id).Select(x => x.EntryId).ToListAsync(ct);
            foreach (var id in entryIds)
                if (!await LedgerStatusMover.MoveAsync(db, id, EntryStatus.Paid, EntryStatus.Available, now, actor, null, ct))
                    throw new PayoutRuleException($"ledger entry {id} of {line.Reference} is not Paid; nothing was changed");
        }
        db.AuditLog.Add(new AuditLogEntry(now, actor, paid ? AuditActions.PayoutLinePaid : AuditActions.PayoutLineFailed, $"payout-line:{line.Reference}",
            "Pending", AuditText(to, line.AmountFen, reason, how)));
        await db.SaveChangesAsync(ct);
        if (!await db.PayoutLines.AnyAsync(l => l.BatchId == line.BatchId && l.Status == PayoutLineStatus.Pending, ct))
            await db.PayoutBatches.Where(b => b.Id == line.BatchId && b.Status != PayoutBatchStatus.Closed)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Closed).SetProperty(b => b.ClosedAt, now), ct);
    }

    private static string AuditText(PayoutLineStatus to, long amountFen, string? reason, string how) =>
        $"{to}; amountFen={amountFen}; by={how}" + (reason is null ? "" : $"; reason={reason}");

    public async Task<IReadOnlyList<PayoutBatch>> ListBatchesAsync(long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PayoutBatches.AsNoTracking().Where(b => b.Id < beforeId).OrderByDescending(b => b.Id).Take(take).ToListAsync(ct);
    }

    public async Task<PayoutBatch?> GetBatchAsync(long batchId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PayoutBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct);
    }

    /// <summary>A batch's lines in id order, keyset-paged.</summary>
    public async Task<IReadOnlyList<PayoutLineRow>> GetLinesAsync(long batchId, long afterId = 0, int take = 500, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LinesQuery(db, batchId, afterId).Take(take).ToListAsync(ct);
    }

    /// <summary>All lines of a batch, streamed (for the bank file).</summary>
    public async IAsyncEnumerable<PayoutLineRow> StreamLinesAsync(long batchId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UseForStreamingAsync(ct);
        await foreach (var row in LinesQuery(db, batchId, 0).AsAsyncEnumerable().WithCancellation(ct)) yield return row;
    }

    /// <summary>
    /// One page of a batch's lines for the console's grid (offset paging; the batch's <c>LineCount</c> is the total), in
    /// member order, which the index <c>(BatchId, MemberId)</c> gives without sorting — and which is the order the lines
    /// were numbered in, since a batch is built from the preview sorted by member.
    /// </summary>
    public async Task<IReadOnlyList<PayoutLineRow>> GetLinesPageAsync(long batchId, int skip, int take, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batchId).OrderBy(l => l.MemberId).Skip(skip).Take(take)).ToListAsync(ct);
    }

    private static IQueryable<PayoutLineRow> LinesQuery(LianDongDbContext db, long batchId, long afterId) =>
        Rows(db, db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batchId && l.Id > afterId).OrderBy(l => l.Id));

    private static IQueryable<PayoutLineRow> Rows(LianDongDbContext db, IQueryable<PayoutLine> lines) =>
        lines.Select(l => new PayoutLineRow(l.Id, l.MemberId, db.Members.Where(m => m.Id == l.MemberId).Select(m => m.ExternalId).First(),
                l.AmountFen, l.MaskedAccountName, l.BankName, l.MaskedAccountNo, l.Reference, l.Status, l.FailureReason, l.ResolvedAt));

    public static string Yuan(long fen) => $"¥{fen / 100}.{Math.Abs(fen % 100):D2}".Replace("¥-", "-¥");
}
