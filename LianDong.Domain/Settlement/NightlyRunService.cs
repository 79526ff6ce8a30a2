using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Settlement;

public sealed record NightlyRunSummary(DateOnly BusinessDate, bool AlreadyCompleted, int ExpiredTasks, int ForfeitedEntries, long ForfeitedFen,
    int ReleasedEntries, int SettledEntries, long SettledFen, bool HeldByAnotherRunner = false);

/// <summary>
/// The nightly run of section 7. A run for date D first runs, in date order, every date before D that has no
/// completed run (from the day after the last completed run, or from the earliest posting date when there never was
/// a run), so every date gets its run row and settlement batch. Each step is one transaction of set-based
/// compare-and-set statements that also advances the run row's StepReached; a run that failed part-way resumes at
/// the next step. Running a completed date again changes nothing.
/// </summary>
public sealed class NightlyRunService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Test seam: called after each committed step (date, step). Throwing here simulates a crash between steps.</summary>
    internal Func<DateOnly, int, Task>? AfterStepForTests { get; set; }

    /// <summary>This process's name on the run rows it works on (tests set another to play a second process).</summary>
    internal string Runner { get; set; } = RunnerIdentity.Current;

    public async Task<IReadOnlyList<NightlyRunSummary>> RunAsync(DateOnly businessDate, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (PlatformTime.EndOfLocalDay(businessDate) > now)
            throw new EngineRuleException($"business date {businessDate:yyyy-MM-dd} has not ended yet in {PlatformTime.Zone.Id}");

        var summaries = new List<NightlyRunSummary>();
        foreach (var date in await DatesToRunAsync(businessDate, ct))
        {
            var summary = await RunOneAsync(date, actor, ct);
            summaries.Add(summary);
            // Dates run in order: while another process works on this one, the later ones wait for its next run.
            if (summary.HeldByAnotherRunner) break;
        }
        return summaries;
    }

    private async Task<List<DateOnly>> DatesToRunAsync(DateOnly target, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lastCompleted = await db.NightlyRuns.Where(r => r.Outcome == NightlyRunOutcome.Completed)
            .OrderByDescending(r => r.BusinessDate).Select(r => (DateOnly?)r.BusinessDate).FirstOrDefaultAsync(ct);
        var firstUnfinished = await db.NightlyRuns.Where(r => r.Outcome != NightlyRunOutcome.Completed)
            .OrderBy(r => r.BusinessDate).Select(r => (DateOnly?)r.BusinessDate).FirstOrDefaultAsync(ct);
        var start = lastCompleted?.AddDays(1)
            ?? await db.LedgerEntries.OrderBy(e => e.PostingDate).Select(e => (DateOnly?)e.PostingDate).FirstOrDefaultAsync(ct)
            ?? target;
        if (firstUnfinished is { } f && f < start) start = f;
        if (start > target) start = target;

        var completed = (await db.NightlyRuns.Where(r => r.Outcome == NightlyRunOutcome.Completed && r.BusinessDate >= start && r.BusinessDate <= target)
            .Select(r => r.BusinessDate).ToListAsync(ct)).ToHashSet();
        var dates = new List<DateOnly>();
        for (var d = start; d <= target; d = d.AddDays(1))
            if (!completed.Contains(d) || d == target) dates.Add(d);
        return dates;
    }

    private async Task<NightlyRunSummary> RunOneAsync(DateOnly date, string actor, CancellationToken ct)
    {
        var (runId, held) = await StartOrResumeAsync(date, actor, ct);
        if (held) return new NightlyRunSummary(date, false, 0, 0, 0, 0, 0, 0, HeldByAnotherRunner: true);
        if (runId is null) return await SummaryAsync(date, alreadyCompleted: true, ct);
        try
        {
            int step;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                step = await db.NightlyRuns.Where(r => r.Id == runId).Select(r => r.StepReached).FirstAsync(ct);
            for (step++; step <= NightlyRun.StepSettle; step++)
            {
                await RunStepAsync(runId.Value, date, step, ct);
                if (AfterStepForTests is { } hook) await hook(date, step);
            }
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                await db.NightlyRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Outcome, NightlyRunOutcome.Completed)
                    .SetProperty(r => r.EndedAt, time.GetUtcNow())
                    .SetProperty(r => r.Error, (string?)null), ct);
        }
        catch (Exception ex)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var error = ex.Message.Length > 4000 ? ex.Message[..4000] : ex.Message;
            // Only the runner that holds the row records its failure (a taken-over row is not ours to mark).
            var marked = await db.NightlyRuns.Where(r => r.Id == runId && r.Runner == Runner).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, NightlyRunOutcome.Failed)
                .SetProperty(r => r.EndedAt, time.GetUtcNow())
                .SetProperty(r => r.Error, error), CancellationToken.None);
            // Another runner took the row over meanwhile: its work stands (our step rolled back); this runner stops here.
            if (marked == 0) return new NightlyRunSummary(date, false, 0, 0, 0, 0, 0, 0, HeldByAnotherRunner: true);
            throw;
        }
        return await SummaryAsync(date, alreadyCompleted: false, ct);
    }

    /// <summary>
    /// Claims the date's run row: the row is the lock. A new row is inserted (the unique index on BusinessDate stops a
    /// second starter); a Failed row, or a Running row whose process has died on this machine, is taken over by
    /// compare-and-set on (Outcome, Runner). Returns (row id, false) to work on it, (null, false) when the date is
    /// completed, (null, true) when another live runner holds it.
    /// </summary>
    private async Task<(long? Id, bool Held)> StartOrResumeAsync(DateOnly date, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.NightlyRuns.AsNoTracking().FirstOrDefaultAsync(r => r.BusinessDate == date, ct);
        if (run is null)
        {
            var fresh = new NightlyRun(date, time.GetUtcNow(), actor, Runner);
            db.NightlyRuns.Add(fresh);
            try
            {
                await db.SaveChangesAsync(ct);
                return (fresh.Id, false);
            }
            catch (DbUpdateException)
            {
                // Another runner inserted the row between our read and our insert.
                db.ChangeTracker.Clear();
                var exists = await db.NightlyRuns.AnyAsync(r => r.BusinessDate == date, ct);
                if (!exists) throw;
                return (null, true);
            }
        }
        if (run.Outcome == NightlyRunOutcome.Completed) return (null, false);
        var mayTakeOver = run.Outcome == NightlyRunOutcome.Failed
            || (run.Outcome == NightlyRunOutcome.Running && run.Runner != Runner && RunnerIdentity.IsDeadOnThisMachine(run.Runner));
        if (!mayTakeOver) return (null, true);
        var claimed = await db.NightlyRuns.Where(r => r.Id == run.Id && r.Outcome == run.Outcome && r.Runner == run.Runner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, NightlyRunOutcome.Running)
                .SetProperty(r => r.Runner, Runner)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), ct);
        return claimed == 1 ? (run.Id, false) : (null, true);
    }

    private async Task RunStepAsync(long runId, DateOnly date, int step, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var at = time.GetUtcNow();
        var atTicks = at.UtcTicks;
        var actor = $"nightly:{date:yyyy-MM-dd}";
        int expired = 0, forfeited = 0, released = 0, settled = 0;
        long forfeitedFen = 0, settledFen = 0;

        switch (step)
        {
            case NightlyRun.StepExpireAndForfeit:
            {
                expired = await db.ChannelTasks.Where(t => t.Status == ChannelTaskStatus.Open && t.DeadlineDate <= date)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, ChannelTaskStatus.Expired).SetProperty(t => t.ClosedAt, at), ct);
                var toForfeit = db.LedgerEntries.Where(e => e.Status == EntryStatus.Frozen &&
                    db.ChannelTasks.Any(t => t.Id == e.ChannelTaskId && (t.Status == ChannelTaskStatus.Expired || t.Status == ChannelTaskStatus.Cancelled)));
                forfeitedFen = await toForfeit.SumAsync(e => e.AmountFen, ct);
                // INSERT … SELECT has no LINQ form: record the moves and credit the fund set-based, with the same
                // condition as the compare-and-set UPDATE that follows, inside this transaction. Plain SQL-92.
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
                    SELECT e.Id, {(int)EntryStatus.Frozen}, {(int)EntryStatus.Forfeited}, {atTicks}, {actor}, {runId}
                    FROM LedgerEntries e
                    WHERE e.Status = {(int)EntryStatus.Frozen} AND e.ChannelTaskId IN
                      (SELECT t.Id FROM ChannelTasks t WHERE t.Status IN ({(int)ChannelTaskStatus.Expired}, {(int)ChannelTaskStatus.Cancelled}))
                    """, ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO SupportFundMovements (Kind, AmountFen, LedgerEntryId, MemberId, At, Actor, NightlyRunId)
                    SELECT {(int)FundMovementKind.Forfeit}, e.AmountFen, e.Id, e.BeneficiaryId, {atTicks}, {actor}, {runId}
                    FROM LedgerEntries e
                    WHERE e.Status = {(int)EntryStatus.Frozen} AND e.ChannelTaskId IN
                      (SELECT t.Id FROM ChannelTasks t WHERE t.Status IN ({(int)ChannelTaskStatus.Expired}, {(int)ChannelTaskStatus.Cancelled}))
                    """, ct);
                forfeited = await toForfeit.ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EntryStatus.Forfeited), ct);
                break;
            }
            case NightlyRun.StepRelease:
            {
                var toRelease = db.LedgerEntries.Where(e => e.Status == EntryStatus.Frozen &&
                    db.ChannelTasks.Any(t => t.Id == e.ChannelTaskId && t.Status == ChannelTaskStatus.Completed));
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
                    SELECT e.Id, {(int)EntryStatus.Frozen}, {(int)EntryStatus.Pending}, {atTicks}, {actor}, {runId}
                    FROM LedgerEntries e
                    WHERE e.Status = {(int)EntryStatus.Frozen} AND e.ChannelTaskId IN
                      (SELECT t.Id FROM ChannelTasks t WHERE t.Status = {(int)ChannelTaskStatus.Completed})
                    """, ct);
                released = await toRelease.ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EntryStatus.Pending), ct);
                break;
            }
            case NightlyRun.StepSettle:
            {
                var batch = new SettlementBatch(date, runId, at);
                db.SettlementBatches.Add(batch);
                await db.SaveChangesAsync(ct);
                // The DateOnly parameter is bound through the provider's DateOnly mapping, as the column is stored.
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
                    SELECT e.Id, {(int)EntryStatus.Pending}, {(int)EntryStatus.Available}, {atTicks}, {actor}, {runId}
                    FROM LedgerEntries e
                    WHERE e.Status = {(int)EntryStatus.Pending} AND e.SettlesOn <= {date}
                    """, ct);
                settled = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Pending && e.SettlesOn <= date)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EntryStatus.Available), ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO SettlementLines (BatchId, MemberId, EntryCount, AmountFen)
                    SELECT {batch.Id}, e.BeneficiaryId, COUNT(*), SUM(e.AmountFen)
                    FROM LedgerStatusChanges c JOIN LedgerEntries e ON e.Id = c.EntryId
                    WHERE c.NightlyRunId = {runId} AND c.ToStatus = {(int)EntryStatus.Available}
                    GROUP BY e.BeneficiaryId
                    """, ct);
                var totals = await db.SettlementLines.Where(l => l.BatchId == batch.Id)
                    .GroupBy(_ => 1).Select(g => new { Members = g.Count(), Entries = g.Sum(l => l.EntryCount), Fen = g.Sum(l => l.AmountFen) })
                    .FirstOrDefaultAsync(ct);
                settledFen = totals?.Fen ?? 0;
                await db.SettlementBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.MemberCount, totals == null ? 0 : totals.Members)
                    .SetProperty(b => b.EntryCount, totals == null ? 0 : totals.Entries)
                    .SetProperty(b => b.TotalFen, settledFen), ct);
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(step));
        }

        var advanced = await db.NightlyRuns.Where(r => r.Id == runId && r.StepReached == step - 1).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.StepReached, step)
            .SetProperty(r => r.ExpiredTasks, r => r.ExpiredTasks + expired)
            .SetProperty(r => r.ForfeitedEntries, r => r.ForfeitedEntries + forfeited)
            .SetProperty(r => r.ForfeitedFen, r => r.ForfeitedFen + forfeitedFen)
            .SetProperty(r => r.ReleasedEntries, r => r.ReleasedEntries + released)
            .SetProperty(r => r.SettledEntries, r => r.SettledEntries + settled)
            .SetProperty(r => r.SettledFen, r => r.SettledFen + settledFen), ct);
        if (advanced != 1)
            throw new InvalidOperationException($"nightly run {date:yyyy-MM-dd} step {step} was done by another runner; this attempt rolls back");
        await tx.CommitAsync(ct);
    }

    private async Task<NightlyRunSummary> SummaryAsync(DateOnly date, bool alreadyCompleted, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await db.NightlyRuns.AsNoTracking().FirstAsync(x => x.BusinessDate == date, ct);
        return alreadyCompleted
            ? new NightlyRunSummary(date, true, 0, 0, 0, 0, 0, 0)
            : new NightlyRunSummary(date, false, r.ExpiredTasks, r.ForfeitedEntries, r.ForfeitedFen, r.ReleasedEntries, r.SettledEntries, r.SettledFen);
    }
}
