using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Domain.Persistence.EntityConfigurations;
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

    private readonly LedgerTotalsService totals = new(dbFactory, time);

    /// <summary>This process's name on the run rows it works on (tests set another to play a second process).</summary>
    internal string Runner { get; set; } = RunnerIdentity.Current;

    public async Task<IReadOnlyList<NightlyRunSummary>> RunAsync(DateOnly businessDate, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (PlatformTime.EndOfLocalDay(businessDate) > now)
            throw new EngineRuleException($"business date {businessDate:yyyy-MM-dd} has not ended yet in {PlatformTime.Zone.Id}");

        var summaries = await RunDatesAsync(businessDate, actor, ct);
        // Fold what the run moved (and the day's postings) into the dashboard's ledger totals.
        if (summaries.Any(s => s is { AlreadyCompleted: false, HeldByAnotherRunner: false }))
            await totals.RefreshAsync(ct);
        return summaries;
    }

    private async Task<List<NightlyRunSummary>> RunDatesAsync(DateOnly businessDate, string actor, CancellationToken ct)
    {
        var summaries = new List<NightlyRunSummary>();
        var dates = await DatesToRunAsync(businessDate, ct);
        foreach (var planned in await PlanBlocksAsync(dates, businessDate, ct))
        {
            // Claim the block's dates in order (each run row is that date's lock), then run the claimed dates together.
            var block = new List<ClaimedRun>();
            foreach (var date in planned)
            {
                var (runId, held) = await StartOrResumeAsync(date, actor, ct);
                if (runId is null)
                {
                    // Not ours (another runner holds or finished it): run what this runner holds before it, then report it.
                    if (!await RunBlockAsync(block, summaries, ct)) return summaries;
                    block.Clear();
                    if (held)
                    {
                        // Dates run in order: while another process works on this one, the later ones wait for its next run.
                        summaries.Add(new NightlyRunSummary(date, false, 0, 0, 0, 0, 0, 0, HeldByAnotherRunner: true));
                        return summaries;
                    }
                    summaries.Add(await SummaryAsync(date, alreadyCompleted: true, ct));
                    continue;
                }
                var claimed = new ClaimedRun(date, runId.Value, await StepReachedAsync(runId.Value, ct));
                if (block.Count > 0 && (claimed.StepReached != block[0].StepReached || block[^1].Date.AddDays(1) != date))
                {
                    // The row moved since the plan was read (another runner worked on it): it starts a block of its own.
                    bool ranToEnd;
                    try { ranToEnd = await RunBlockAsync(block, summaries, ct); }
                    catch
                    {
                        await MarkFailedAsync([claimed], "an earlier date of this catch-up failed", CancellationToken.None);
                        throw;
                    }
                    if (!ranToEnd)
                    {
                        await MarkFailedAsync([claimed], "an earlier date of this catch-up was taken over", CancellationToken.None);
                        return summaries;
                    }
                    block.Clear();
                }
                block.Add(claimed);
            }
            if (!await RunBlockAsync(block, summaries, ct)) return summaries;
        }
        return summaries;
    }

    private sealed record ClaimedRun(DateOnly Date, long Id, int StepReached);

    /// <summary>
    /// Splits the dates to run into blocks that run together: consecutive dates whose run rows stand at the same step
    /// (no row yet counts as step 0). The requested date D always runs on its own, after the catch-up blocks, so a
    /// catch-up of missed nights is one block and the night of D itself is another.
    /// </summary>
    private async Task<List<List<DateOnly>>> PlanBlocksAsync(List<DateOnly> dates, DateOnly target, CancellationToken ct)
    {
        if (dates.Count == 0) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var first = dates[0];
        var steps = await db.NightlyRuns.AsNoTracking().Where(r => r.BusinessDate >= first && r.BusinessDate <= target)
            .ToDictionaryAsync(r => r.BusinessDate, r => r.Outcome == NightlyRunOutcome.Completed ? -1 : r.StepReached, ct);
        int StepOf(DateOnly d) => steps.TryGetValue(d, out var s) ? s : 0;
        var blocks = new List<List<DateOnly>>();
        foreach (var d in dates)
        {
            if (blocks.Count > 0 && d != target && blocks[^1][^1] != target
                && blocks[^1][^1].AddDays(1) == d && StepOf(blocks[^1][^1]) == StepOf(d) && StepOf(d) >= 0)
                blocks[^1].Add(d);
            else
                blocks.Add([d]);
        }
        return blocks;
    }

    private async Task<int> StepReachedAsync(long runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.NightlyRuns.Where(r => r.Id == runId).Select(r => r.StepReached).FirstAsync(ct);
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

    /// <summary>
    /// Runs the remaining steps of a block of consecutive dates whose rows this runner holds, all at the same step:
    /// each step is one transaction for the whole block. Adds the dates' summaries; false when another runner took a
    /// row over meanwhile (this runner stops there).
    /// </summary>
    private async Task<bool> RunBlockAsync(List<ClaimedRun> block, List<NightlyRunSummary> summaries, CancellationToken ct)
    {
        if (block.Count == 0) return true;
        var ids = block.Select(b => b.Id).ToList();
        try
        {
            for (var step = block[0].StepReached + 1; step <= NightlyRun.StepSettle; step++)
            {
                // Settling commits date by date (ADR 0072): each date's transaction stays small enough for the page
                // cache, where one transaction over a long catch-up would rewrite most of the ledger's pages at once
                // and spill them to the WAL again and again. A crash between two dates leaves the earlier ones at
                // step 3; the next run completes them and settles the rest (blocks split by the step reached).
                IEnumerable<IReadOnlyList<ClaimedRun>> units = step == NightlyRun.StepSettle ? block.Select(run => (IReadOnlyList<ClaimedRun>)[run]) : [block];
                foreach (var unit in units)
                {
                    await RunStepAsync(unit, step, ct);
                    if (AfterStepForTests is { } hook)
                        foreach (var run in unit) await hook(run.Date, step);
                }
            }
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.NightlyRuns.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Outcome, NightlyRunOutcome.Completed)
                .SetProperty(r => r.EndedAt, time.GetUtcNow())
                .SetProperty(r => r.Error, (string?)null), ct);
        }
        catch (Exception ex)
        {
            var marked = await MarkFailedAsync(block, ex.Message, CancellationToken.None);
            // Another runner took the rows over meanwhile: its work stands (our step rolled back); this runner stops here.
            if (marked == 0)
            {
                summaries.Add(new NightlyRunSummary(block[0].Date, false, 0, 0, 0, 0, 0, 0, HeldByAnotherRunner: true));
                return false;
            }
            throw;
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var rows = await db.NightlyRuns.AsNoTracking().Where(r => ids.Contains(r.Id)).OrderBy(r => r.BusinessDate).ToListAsync(ct);
            summaries.AddRange(rows.Select(r => new NightlyRunSummary(r.BusinessDate, false, r.ExpiredTasks, r.ForfeitedEntries, r.ForfeitedFen,
                r.ReleasedEntries, r.SettledEntries, r.SettledFen)));
        }
        return true;
    }

    /// <summary>Records a failure on the rows this runner still holds (a taken-over row is not ours to mark).</summary>
    private async Task<int> MarkFailedAsync(IReadOnlyCollection<ClaimedRun> runs, string message, CancellationToken ct)
    {
        var ids = runs.Select(r => r.Id).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var error = message.Length > 4000 ? message[..4000] : message;
        return await db.NightlyRuns.Where(r => ids.Contains(r.Id) && r.Runner == Runner).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Outcome, NightlyRunOutcome.Failed)
            .SetProperty(r => r.EndedAt, time.GetUtcNow())
            .SetProperty(r => r.Error, error), ct);
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

    /// <summary>
    /// One step for a block of consecutive dates F..L, in one transaction, with the result of running the step for
    /// each date in order: within a catch-up nothing is posted between the dates, so
    /// <list type="bullet">
    /// <item>step 1 expires an Open task on max(deadline, F) and forfeits a Frozen entry on the date its task expires
    /// (on F when the task was already Expired or Cancelled);</item>
    /// <item>step 2 releases every Completed task's Frozen entries on F (later dates find none);</item>
    /// <item>step 3 settles a Pending entry on max(SettlesOn, F), into that date's batch (RunBlockAsync runs it for one
    /// date at a time, so F is the date and every entry due by then settles on it).</item>
    /// </list>
    /// Each date's status changes, fund movements, batch and counters carry that date's run; every run row's
    /// StepReached is advanced by compare-and-set in the same transaction. Plain SQL-92 apart from the
    /// <c>'nightly:' || BusinessDate</c> actor, which relies on dates stored as ISO text (as the provider stores them).
    /// </summary>
    // EF1002: the raw SQL below interpolates only this class's constants (status numbers, an index name);
    // every value is bound as a parameter ({0}, {1}, …).
#pragma warning disable EF1002
    private async Task RunStepAsync(IReadOnlyList<ClaimedRun> block, int step, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UseWriterCacheAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var at = time.GetUtcNow();
        var atTicks = at.UtcTicks;
        var first = block[0].Date;
        var last = block[^1].Date;
        var firstRun = block[0].Id;
        var runOf = block.ToDictionary(b => b.Date, b => b.Id);
        var counts = block.ToDictionary(b => b.Id, _ => new StepCounts());

        switch (step)
        {
            case NightlyRun.StepExpireAndForfeit:
            {
                var due = await db.ChannelTasks.Where(t => t.Status == ChannelTaskStatus.Open && t.DeadlineDate <= last)
                    .GroupBy(t => t.DeadlineDate).Select(g => new { Deadline = g.Key, Count = g.Count() }).ToListAsync(ct);
                foreach (var d in due) counts[runOf[d.Deadline > first ? d.Deadline : first]].Expired += d.Count;
                // The forfeits are recorded before the tasks move, so the date of each entry's run is its task's expiry
                // date: max(deadline, F) for a task that expires now, F for one already Expired or Cancelled.
                // Tasks in SQL: Open, Expired, Cancelled; dates are bound through the provider's DateOnly mapping.
                object[] args = [atTicks, first, last];
                var forfeitable = $$"""
                    FROM LedgerEntries e
                    JOIN ChannelTasks t ON t.Id = e.ChannelTaskId
                    JOIN NightlyRuns r ON r.BusinessDate = CASE WHEN t.Status = {{TaskOpen}} AND t.DeadlineDate > {1} THEN t.DeadlineDate ELSE {1} END
                    WHERE e.Status = {{Frozen}}
                      AND (t.Status IN ({{TaskExpired}}, {{TaskCancelled}}) OR (t.Status = {{TaskOpen}} AND t.DeadlineDate <= {2}))
                    ORDER BY r.BusinessDate, e.Id
                    """;
                await db.Database.ExecuteSqlRawAsync($$"""
                    INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
                    SELECT e.Id, {{Frozen}}, {{Forfeited}}, {0}, 'nightly:' || r.BusinessDate, r.Id
                    {{forfeitable}}
                    """, args, ct);
                await db.Database.ExecuteSqlRawAsync($$"""
                    INSERT INTO SupportFundMovements (Kind, AmountFen, LedgerEntryId, MemberId, At, Actor, NightlyRunId)
                    SELECT {{(int)FundMovementKind.Forfeit}}, e.AmountFen, e.Id, e.BeneficiaryId, {0}, 'nightly:' || r.BusinessDate, r.Id
                    {{forfeitable}}
                    """, args, ct);
                var ids = block.Select(b => (long?)b.Id).ToList();
                var perRun = await db.SupportFundMovements.Where(m => ids.Contains(m.NightlyRunId) && m.Kind == FundMovementKind.Forfeit)
                    .GroupBy(m => m.NightlyRunId).Select(g => new { Run = g.Key, Count = g.Count(), Fen = g.Sum(m => m.AmountFen) }).ToListAsync(ct);
                foreach (var p in perRun) (counts[p.Run!.Value].Forfeited, counts[p.Run!.Value].ForfeitedFen) = (p.Count, p.Fen);

                var expired = await db.ChannelTasks.Where(t => t.Status == ChannelTaskStatus.Open && t.DeadlineDate <= last)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, ChannelTaskStatus.Expired).SetProperty(t => t.ClosedAt, at), ct);
                var forfeited = await db.Database.ExecuteSqlRawAsync($$"""
                    UPDATE LedgerEntries SET Status = {{Forfeited}}
                    WHERE Status = {{Frozen}} AND ChannelTaskId IN (SELECT t.Id FROM ChannelTasks t WHERE t.Status IN ({{TaskExpired}}, {{TaskCancelled}}))
                    """, ct);
                if (expired != counts.Values.Sum(c => c.Expired) || forfeited != counts.Values.Sum(c => c.Forfeited))
                    throw new InvalidOperationException("nightly step 1 moved other rows than it recorded; the step rolls back");
                break;
            }
            case NightlyRun.StepRelease:
            {
                // Tasks do not complete between the dates of a catch-up: the first date releases them all.
                var actor = ActorFor(first);
                await db.Database.ExecuteSqlRawAsync($$"""
                    INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
                    SELECT e.Id, {{Frozen}}, {{Pending}}, {0}, {1}, {2}
                    FROM LedgerEntries e
                    WHERE e.Status = {{Frozen}} AND e.ChannelTaskId IN (SELECT t.Id FROM ChannelTasks t WHERE t.Status = {{TaskCompleted}})
                    """, [atTicks, actor, firstRun], ct);
                counts[firstRun].Released = await db.Database.ExecuteSqlRawAsync($$"""
                    UPDATE LedgerEntries SET Status = {{Pending}}
                    WHERE Status = {{Frozen}} AND ChannelTaskId IN (SELECT t.Id FROM ChannelTasks t WHERE t.Status = {{TaskCompleted}})
                    """, ct);
                break;
            }
            case NightlyRun.StepSettle:
            {
                var batches = block.Select(b => new SettlementBatch(b.Date, b.Id, at)).ToList();
                db.SettlementBatches.AddRange(batches);
                await db.SaveChangesAsync(ct);
                // Date by date, each a range of the Pending partial index (ADR 0072), named so that SQLite never prefers
                // walking a whole index for the GROUP BY or ORDER BY: every entry still Pending and due by the date
                // (dates run in order, so a later date finds only its own and late releases). The lines are grouped from
                // those entries before they move, so no statement joins back through the status changes.
                const string pending = LedgerEntryConfiguration.PendingBySettlesOnIndex;
                // An entry beyond any amount the input limits accept (stored before they existed, or by hand) stays Pending:
                // its SUM would overflow and fail the batch, and with it the night, for every member.
                const long MaxEntry = InputLimits.MaxEntryFen;
                foreach (var (run, batch) in block.Zip(batches))
                {
                    object[] args = [atTicks, ActorFor(run.Date), run.Id, run.Date];
                    await db.Database.ExecuteSqlRawAsync($$"""
                        INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId)
                        SELECT e.Id, {{Pending}}, {{Available}}, {0}, {1}, {2}
                        FROM LedgerEntries e INDEXED BY {{pending}}
                        WHERE e.Status = {{Pending}} AND e.SettlesOn <= {3} AND e.AmountFen BETWEEN {{-MaxEntry}} AND {{MaxEntry}}
                        ORDER BY e.Id
                        """, args, ct);
                    await db.Database.ExecuteSqlRawAsync($$"""
                        INSERT INTO SettlementLines (BatchId, MemberId, EntryCount, AmountFen)
                        SELECT {0}, e.BeneficiaryId, COUNT(*), SUM(e.AmountFen)
                        FROM LedgerEntries e INDEXED BY {{pending}}
                        WHERE e.Status = {{Pending}} AND e.SettlesOn <= {1} AND e.AmountFen BETWEEN {{-MaxEntry}} AND {{MaxEntry}}
                        GROUP BY e.BeneficiaryId
                        ORDER BY e.BeneficiaryId
                        """, [batch.Id, run.Date], ct);
                    var settled = await db.Database.ExecuteSqlRawAsync($$"""
                        UPDATE LedgerEntries INDEXED BY {{pending}} SET Status = {{Available}}
                        WHERE Status = {{Pending}} AND SettlesOn <= {0} AND AmountFen BETWEEN {{-MaxEntry}} AND {{MaxEntry}}
                        """, [run.Date], ct);
                    var t = await db.SettlementLines.Where(l => l.BatchId == batch.Id)
                        .GroupBy(l => l.BatchId)
                        .Select(g => new { Members = g.Count(), Entries = g.Sum(x => x.EntryCount), Fen = g.Sum(x => x.AmountFen) })
                        .FirstOrDefaultAsync(ct);
                    var (members, entries, fen) = t is null ? (0, 0, 0L) : (t.Members, t.Entries, t.Fen);
                    if (settled != entries)
                        throw new InvalidOperationException("nightly step 3 moved other rows than it settled; the step rolls back");
                    (counts[run.Id].Settled, counts[run.Id].SettledFen) = (entries, fen);
                    if (entries == 0) continue; // the batch was inserted with zero totals
                    await db.SettlementBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(s => s
                        .SetProperty(b => b.MemberCount, members)
                        .SetProperty(b => b.EntryCount, entries)
                        .SetProperty(b => b.TotalFen, fen), ct);
                }
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(step));
        }

        foreach (var run in block)
        {
            var c = counts[run.Id];
            var advanced = await db.NightlyRuns.Where(r => r.Id == run.Id && r.StepReached == step - 1).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.StepReached, step)
                .SetProperty(r => r.ExpiredTasks, r => r.ExpiredTasks + c.Expired)
                .SetProperty(r => r.ForfeitedEntries, r => r.ForfeitedEntries + c.Forfeited)
                .SetProperty(r => r.ForfeitedFen, r => r.ForfeitedFen + c.ForfeitedFen)
                .SetProperty(r => r.ReleasedEntries, r => r.ReleasedEntries + c.Released)
                .SetProperty(r => r.SettledEntries, r => r.SettledEntries + c.Settled)
                .SetProperty(r => r.SettledFen, r => r.SettledFen + c.SettledFen), ct);
            if (advanced != 1)
                throw new InvalidOperationException($"nightly run {run.Date:yyyy-MM-dd} step {step} was done by another runner; this attempt rolls back");
        }
        await tx.CommitAsync(ct);
    }

#pragma warning restore EF1002

    private static string ActorFor(DateOnly date) => $"nightly:{date:yyyy-MM-dd}";

    // Status values written into the SQL as literals, so SQLite can use the partial indexes whose filters name them.
    private const int Pending = (int)EntryStatus.Pending, Frozen = (int)EntryStatus.Frozen, Available = (int)EntryStatus.Available,
        Forfeited = (int)EntryStatus.Forfeited;
    private const int TaskOpen = (int)ChannelTaskStatus.Open, TaskCompleted = (int)ChannelTaskStatus.Completed,
        TaskExpired = (int)ChannelTaskStatus.Expired, TaskCancelled = (int)ChannelTaskStatus.Cancelled;

    private sealed class StepCounts
    {
        public int Expired, Forfeited, Released, Settled;
        public long ForfeitedFen, SettledFen;
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
