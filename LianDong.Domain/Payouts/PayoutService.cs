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

/// <summary>
/// What a bank-result import did: the refused rows with their reasons (nothing applied), or the lines marked paid and
/// failed with their amounts, how many lines are still pending and whether the batch is now closed.
/// </summary>
public sealed record PayoutImportResult(IReadOnlyList<string> Errors, int PaidLines, long PaidFen, int FailedLines, long FailedFen, int StillPending, bool Closed)
{
    public bool Applied => Errors.Count == 0;
    public static PayoutImportResult Refused(IReadOnlyList<string> errors) => new(errors, 0, 0, 0, 0, 0, false);
}

/// <summary>A line of the bank file before its account is decrypted.</summary>
public sealed record PayoutBankLine(long MemberId, string Reference, long AmountFen, string? ProtectedAccount, string MaskedAccountName, string BankName, string MaskedAccountNo);

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
            if (b.Sum < min) reason = $"可提现余额低于最低提现额 Available {Money.FromFen(b.Sum)} is below the minimum payout {Money.FromFen(min)}";
            else if (openBatch.TryGetValue(b.MemberId, out var batchId)) reason = $"已在待审批批次 Already in batch {PayoutBatch.ReferenceOf(batchId)}, not yet approved";
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
        PayoutBatch? built = null;
        await AuditRefusalAsync(actor, () => null, "build", async () => built = await BuildCoreAsync(actor, ct), ct);
        return built!;
    }

    private async Task<PayoutBatch> BuildCoreAsync(string actor, CancellationToken ct)
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
        // The encrypted account each line pays, as it is now (inside the write transaction, so the one the preview masked):
        // a change of account after the build cannot redirect the approved payment.
        await db.Database.ExecuteSqlRawAsync("""
            UPDATE PayoutLines SET ProtectedAccount = (SELECT a.Protected FROM PayoutAccounts a WHERE a.MemberId = PayoutLines.MemberId)
            WHERE BatchId = {0}
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
    public Task ApproveAsync(long batchId, string actor, CancellationToken ct = default) =>
        AuditRefusalAsync(actor, batchId, "approve", () => ApproveCoreAsync(batchId, actor, ct), ct);

    private async Task ApproveCoreAsync(long batchId, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await FindAsync(db, batchId, ct);
        if (string.Equals(batch.CreatedBy, actor, StringComparison.OrdinalIgnoreCase))
            throw new PayoutRuleException($"批次须由另一人审批 {batch.Reference} was built by {actor}; a second finance user or an admin must approve it");
        Allow(batch, PayoutBatchAction.Approve);

        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The compare-and-set on the batch is the first write: of two concurrent approvals exactly one gets past it.
        var won = await db.PayoutBatches.Where(b => b.Id == batchId && b.Status == PayoutBatchStatus.Created && b.CreatedBy != actor)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Approved)
                .SetProperty(b => b.ApprovedBy, actor).SetProperty(b => b.ApprovedAt, now), ct);
        if (won == 0) throw new PayoutRuleException(await MovedMeanwhileAsync(batchId, PayoutBatchAction.Approve, ct));

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
    /// an approval was refused because a clawback came in since the build. Final: a cancelled batch is never approved,
    /// exported or marked. Audited.
    /// </summary>
    public Task CancelAsync(long batchId, string actor, CancellationToken ct = default) =>
        AuditRefusalAsync(actor, batchId, "cancel", async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await FindAsync(db, batchId, ct);
            Allow(batch, PayoutBatchAction.Cancel);
            var now = time.GetUtcNow();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var done = await db.PayoutBatches.Where(b => b.Id == batchId && b.Status == PayoutBatchStatus.Created)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Cancelled).SetProperty(b => b.ClosedAt, now), ct);
            if (done == 0) throw new PayoutRuleException(await MovedMeanwhileAsync(batchId, PayoutBatchAction.Cancel, ct));
            db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutCancel, $"payout:{batch.Reference}", "Created", "Cancelled"));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }, ct);

    /// <summary>
    /// Records a bank-file download (audited every time, with its format); the first moves Approved → Exported. Refused
    /// for a batch that is not approved, and for a closed or cancelled one (nothing is left to pay).
    /// </summary>
    public Task RecordExportAsync(long batchId, string actor, CancellationToken ct = default) => RecordExportAsync(batchId, actor, "xlsx", ct);

    public Task RecordExportAsync(long batchId, string actor, string format, CancellationToken ct) =>
        AuditRefusalAsync(actor, batchId, $"export bank file ({format})", async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await FindAsync(db, batchId, ct);
            Allow(batch, PayoutBatchAction.ExportBankFile);
            var now = time.GetUtcNow();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var done = await db.PayoutBatches.Where(b => b.Id == batchId && (b.Status == PayoutBatchStatus.Approved || b.Status == PayoutBatchStatus.Exported))
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Exported).SetProperty(b => b.ExportedAt, b => b.ExportedAt ?? now), ct);
            if (done == 0) throw new PayoutRuleException(await MovedMeanwhileAsync(batchId, PayoutBatchAction.ExportBankFile, ct));
            var pending = await db.PayoutLines.CountAsync(l => l.BatchId == batchId && l.Status == PayoutLineStatus.Pending, ct);
            db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutExport, $"payout:{batch.Reference}", batch.Status.ToString(),
                $"bank file {format}; lines={pending}"));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }, ct);

    /// <summary>Marks one line paid or failed by hand (only in a batch whose bank file was made). A failed line's entries go back to Available.</summary>
    public Task ResolveLineAsync(long lineId, bool paid, string? reason, string actor, CancellationToken ct = default)
    {
        long? batchId = null;
        return AuditRefusalAsync(actor, () => batchId, $"mark line {lineId} {(paid ? "paid" : "failed")}", async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var line = await db.PayoutLines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lineId, ct)
                ?? throw new PayoutRuleException($"没有该明细 No payout line {lineId}");
            batchId = line.BatchId;
            Allow(await FindAsync(db, line.BatchId, ct), PayoutBatchAction.MarkLine);
            if (!paid && string.IsNullOrWhiteSpace(reason)) throw new PayoutRuleException("请填写失败原因 A failed line needs a reason");
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await HoldAsync(db, line.BatchId, PayoutBatchAction.MarkLine, ct);
            await ResolveAsync(db, line, paid, reason, actor, "manual", ct);
            await CloseIfDoneAsync(db, line.BatchId, actor, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }, ct);
    }

    /// <summary>
    /// Applies the bank's result file to a batch whose bank file was made: all rows or none. Every row must name a line of
    /// this batch that is still pending, with the line's exact amount. The result lists the refused rows with their
    /// reasons, or what was applied.
    /// </summary>
    public async Task<PayoutImportResult> ImportResultAsync(long batchId, TextReader file, string actor, CancellationToken ct = default)
    {
        var parsed = PayoutResultFile.Parse(file);
        PayoutImportResult? result = null;
        try
        {
            await ImportCoreAsync();
        }
        catch (PayoutRuleException e)
        {
            return result ?? PayoutImportResult.Refused([e.Message]);
        }
        return result ?? throw new InvalidOperationException("the import produced no result");

        Task ImportCoreAsync() => AuditRefusalAsync(actor, batchId, "import bank result", async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await FindAsync(db, batchId, ct);
            var errors = parsed.Errors.ToList();
            if (PayoutBatch.WhyNot(batch.Reference, batch.Status, PayoutBatchAction.ImportResult) is { } why) errors.Insert(0, why);
            var lines = await db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batchId).ToDictionaryAsync(l => l.Reference, ct);
            foreach (var row in parsed.Rows)
            {
                if (!lines.TryGetValue(row.Reference, out var line)) errors.Add($"line {row.LineNumber}: reference {row.Reference} is not a line of {batch.Reference}");
                else if (line.Status != PayoutLineStatus.Pending) errors.Add($"line {row.LineNumber}: {row.Reference} is already {line.Status}");
                else if (line.AmountFen != row.AmountFen) errors.Add($"line {row.LineNumber}: {row.Reference} amount {Money.FromFen(row.AmountFen)} differs from the batch's {Money.FromFen(line.AmountFen)}");
                else if (!row.Paid && row.Reason is null) errors.Add($"line {row.LineNumber}: {row.Reference} failed without a reason");
            }
            if (errors.Count > 0)
            {
                result = PayoutImportResult.Refused(errors);
                throw new PayoutRuleException($"{batch.Reference}: the bank result was refused whole ({errors.Count} problem(s), first: {errors[0]})");
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await HoldAsync(db, batchId, PayoutBatchAction.ImportResult, ct);
            foreach (var row in parsed.Rows)
                await ResolveAsync(db, lines[row.Reference], row.Paid, row.Reason, actor, "import", ct);
            var closed = await CloseIfDoneAsync(db, batchId, actor, ct);
            var paidRows = parsed.Rows.Where(r => r.Paid).ToList();
            var failedRows = parsed.Rows.Where(r => !r.Paid).ToList();
            db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, AuditActions.PayoutImport, $"payout:{batch.Reference}", null,
                $"rows={parsed.Rows.Count}; paid={paidRows.Count}; failed={failedRows.Count}"));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            result = new PayoutImportResult([], paidRows.Count, paidRows.Sum(r => r.AmountFen), failedRows.Count, failedRows.Sum(r => r.AmountFen),
                lines.Count - parsed.Rows.Count - lines.Values.Count(l => l.Status != PayoutLineStatus.Pending), closed);
        }, ct);
    }

    private async Task ResolveAsync(LianDongDbContext db, PayoutLine line, bool paid, string? reason, string actor, string how, CancellationToken ct)
    {
        var now = time.GetUtcNow();
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
    }

    /// <summary>Exported → Closed once no line is pending (inside the caller's transaction). True when it closed the batch.</summary>
    private async Task<bool> CloseIfDoneAsync(LianDongDbContext db, long batchId, string actor, CancellationToken ct)
    {
        if (await db.PayoutLines.AnyAsync(l => l.BatchId == batchId && l.Status == PayoutLineStatus.Pending, ct)) return false;
        var now = time.GetUtcNow();
        var closed = await db.PayoutBatches.Where(b => b.Id == batchId && b.Status == PayoutBatchStatus.Exported)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PayoutBatchStatus.Closed).SetProperty(b => b.ClosedAt, now), ct);
        if (closed == 0) throw new PayoutRuleException(await MovedMeanwhileAsync(batchId, PayoutBatchAction.Close, ct));
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.PayoutClose, $"payout:{PayoutBatch.ReferenceOf(batchId)}", "Exported", "Closed; every line is marked"));
        return true;
    }

    /// <summary>
    /// The compare-and-set that holds a batch in the state an action needs, as the first write of the caller's transaction:
    /// a batch that moved meanwhile (cancelled, closed) refuses the action, and on a server database the row stays locked
    /// until the transaction ends.
    /// </summary>
    private async Task HoldAsync(LianDongDbContext db, long batchId, PayoutBatchAction action, CancellationToken ct)
    {
        var allowed = PayoutBatch.AllowedFrom(action).ToList();
        var held = await db.PayoutBatches.Where(b => b.Id == batchId && allowed.Contains(b.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, b => b.Status), ct);
        if (held == 0) throw new PayoutRuleException(await MovedMeanwhileAsync(batchId, action, ct));
    }

    private static async Task<PayoutBatch> FindAsync(LianDongDbContext db, long batchId, CancellationToken ct) =>
        await db.PayoutBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct)
        ?? throw new PayoutRuleException($"没有该批次 No payout batch {batchId}");

    private static void Allow(PayoutBatch batch, PayoutBatchAction action)
    {
        if (PayoutBatch.WhyNot(batch.Reference, batch.Status, action) is { } why) throw new PayoutRuleException(why);
    }

    /// <summary>The refusal when a compare-and-set lost: the batch's status as it is now, read outside the losing transaction.</summary>
    private async Task<string> MovedMeanwhileAsync(long batchId, PayoutBatchAction action, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var status = await db.PayoutBatches.AsNoTracking().Where(b => b.Id == batchId).Select(b => (PayoutBatchStatus?)b.Status).FirstOrDefaultAsync(ct);
        var reference = PayoutBatch.ReferenceOf(batchId);
        return status is { } s && PayoutBatch.WhyNot(reference, s, action) is { } why
            ? why + " (it changed a moment ago)"
            : $"{reference} was changed by someone else a moment ago; nothing was changed — look again and retry";
    }

    private Task AuditRefusalAsync(string actor, long batchId, string attempt, Func<Task> action, CancellationToken ct) =>
        AuditRefusalAsync(actor, () => batchId, attempt, action, ct);

    /// <summary>
    /// Runs a payout action and, when it is refused, records the attempt in the audit log after the action's transaction
    /// has been rolled back (so the refusal is audited while nothing of the action is kept).
    /// </summary>
    private async Task AuditRefusalAsync(string actor, Func<long?> batchId, string attempt, Func<Task> action, CancellationToken ct)
    {
        try
        {
            await action();
        }
        catch (PayoutRuleException e)
        {
            await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
            {
                var subject = batchId() is { } id ? $"payout:{PayoutBatch.ReferenceOf(id)}" : "payout:new";
                var status = batchId() is { } bid
                    ? (await db.PayoutBatches.AsNoTracking().Where(b => b.Id == bid).Select(b => (PayoutBatchStatus?)b.Status).FirstOrDefaultAsync(CancellationToken.None))?.ToString()
                    : null;
                db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, AuditActions.PayoutRefused, subject, status,
                    Truncate($"refused: {attempt}; {e.Message}", 1000)));
                await db.SaveChangesAsync(CancellationToken.None);
            }
            throw;
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

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
    /// The lines a bank file pays: those of the batch still pending, in reference order, each with the encrypted account
    /// kept at build (null for a line built before accounts were kept with the line).
    /// </summary>
    public async IAsyncEnumerable<PayoutBankLine> StreamBankLinesAsync(long batchId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UseForStreamingAsync(ct);
        var rows = db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batchId && l.Status == PayoutLineStatus.Pending).OrderBy(l => l.Id)
            .Select(l => new PayoutBankLine(l.MemberId, l.Reference, l.AmountFen, l.ProtectedAccount, l.MaskedAccountName, l.BankName, l.MaskedAccountNo));
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct)) yield return row;
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

}
