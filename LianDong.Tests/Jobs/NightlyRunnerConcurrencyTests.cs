using LianDong.Console.Jobs;
using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Jobs;

/// <summary>The run row per business date is the lock: a second runner (another console process) never settles a date twice.</summary>
public class NightlyRunnerConcurrencyTests
{
    private static readonly DateOnly Day = new(2026, 1, 10);

    private static async Task<EngineTestHost> PlatformAsync()
    {
        var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("B", "A", new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("C", "A", new DateTimeOffset(2026, 1, 1, 4, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("D", "A", new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero));
        h.Clock.Now = new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero);
        return h;
    }

    /// <summary>Every move to Available is recorded once, one batch per date, and balances equal the history.</summary>
    private static async Task AssertSettledOnceAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var available = await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Available);
        Assert.True(available > 0);
        Assert.Equal(available, await db.LedgerStatusChanges.CountAsync(c => c.ToStatus == EntryStatus.Available));
        Assert.Equal(await db.NightlyRuns.CountAsync(), await db.SettlementBatches.CountAsync());
        Assert.Equal(await db.SettlementBatches.SumAsync(b => b.TotalFen),
            await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available).SumAsync(e => e.AmountFen));
        Assert.All(await db.NightlyRuns.ToListAsync(), r => Assert.Equal(NightlyRunOutcome.Completed, r.Outcome));
    }

    [Fact]
    public async Task A_second_runner_for_a_date_another_runner_is_working_on_does_nothing()
    {
        await using var h = await PlatformAsync();
        var paused = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        h.Nightly.AfterStepForTests = async (date, step) =>
        {
            if (date == Day && step == NightlyRun.StepExpireAndForfeit) { paused.SetResult(); await resume.Task; }
        };
        var first = h.Nightly.RunAsync(Day, "first");
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(30));

        long changesBefore;
        await using (var db = await h.Db.CreateDbContextAsync()) changesBefore = await db.LedgerStatusChanges.CountAsync();
        var other = new NightlyRunService(h.Db, h.Clock) { Runner = "other-process" };
        var second = await other.RunAsync(Day, "second");
        Assert.True(second[^1].HeldByAnotherRunner);
        Assert.Equal(Day, second[^1].BusinessDate);
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            Assert.Equal(changesBefore, await db.LedgerStatusChanges.CountAsync());
            var row = await db.NightlyRuns.SingleAsync(r => r.BusinessDate == Day);
            Assert.Equal(NightlyRunOutcome.Running, row.Outcome);
            Assert.Equal(1, row.Attempts);
            Assert.Equal(RunnerIdentity.Current, row.Runner);
        }

        resume.SetResult();
        Assert.False((await first)[^1].AlreadyCompleted);
        Assert.True((await other.RunAsync(Day, "second")).Single().AlreadyCompleted);
        await AssertSettledOnceAsync(h);
    }

    [Fact]
    public async Task Runners_that_race_for_the_same_dates_settle_each_date_once()
    {
        await using var h = await PlatformAsync();
        var runners = Enumerable.Range(0, 4).Select(i => new NightlyRunService(h.Db, h.Clock) { Runner = $"runner-{i}" }).ToList();
        var results = await Task.WhenAll(runners.Select(r => Task.Run(() => r.RunAsync(Day, "race"))));
        Assert.Contains(results, rs => rs.Any(s => s is { AlreadyCompleted: false, HeldByAnotherRunner: false }));
        // Whoever was held off finishes what is left on its next run, and nothing is settled twice.
        foreach (var r in runners) await r.RunAsync(Day, "again");
        await AssertSettledOnceAsync(h);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(10, await db.NightlyRuns.CountAsync()); // 01-01 … 01-10
    }

    [Fact]
    public async Task A_run_left_Running_by_a_process_that_died_is_taken_over_and_finished()
    {
        await using var h = await PlatformAsync();
        var dead = new NightlyRunService(h.Db, h.Clock) { Runner = RunnerIdentity.Describe(Environment.MachineName, int.MaxValue, 1) };
        dead.AfterStepForTests = (date, step) => date == Day && step == NightlyRun.StepRelease ? throw new IOException("killed") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => dead.RunAsync(Day, "dead"));
        await using (var db = await h.Db.CreateDbContextAsync())
            // A killed process never gets to write "Failed": the row stays Running.
            await db.NightlyRuns.Where(r => r.BusinessDate == Day).ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, NightlyRunOutcome.Running));

        var summaries = await h.Nightly.RunAsync(Day, "survivor");
        Assert.False(summaries[^1].HeldByAnotherRunner);
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var row = await db.NightlyRuns.SingleAsync(r => r.BusinessDate == Day);
            Assert.Equal(2, row.Attempts);
            Assert.Equal(NightlyRun.StepSettle, row.StepReached);
            Assert.Equal(RunnerIdentity.Current, row.Runner);
        }
        await AssertSettledOnceAsync(h);
    }

    [Fact]
    public async Task A_scheduled_run_that_fails_part_way_leaves_the_ledger_consistent_and_the_next_run_finishes_the_work()
    {
        await using var clean = await PlatformAsync();
        await new NightlyJobRunner(clean.Nightly, clean.Db, clean.Clock).RunScheduledAsync();

        await using var h = await PlatformAsync();
        var runner = new NightlyJobRunner(h.Nightly, h.Db, h.Clock);
        h.Nightly.AfterStepForTests = (date, step) => date == Day && step == NightlyRun.StepRelease ? throw new IOException("disk full") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => runner.RunScheduledAsync());
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var row = await db.NightlyRuns.SingleAsync(r => r.BusinessDate == Day);
            Assert.Equal(NightlyRunOutcome.Failed, row.Outcome);
            Assert.Equal("disk full", row.Error);
            Assert.Equal(NightlyRun.StepRelease, row.StepReached);
            // Consistent: every entry's status is the last status its history recorded; the fund holds what was forfeited.
            var entries = await db.LedgerEntries.AsNoTracking().ToListAsync();
            var changes = await db.LedgerStatusChanges.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
            foreach (var e in entries)
                if (changes.LastOrDefault(c => c.EntryId == e.Id) is { } last) Assert.Equal(last.ToStatus, e.Status);
            Assert.Equal(entries.Where(e => e.Status == EntryStatus.Forfeited).Sum(e => e.AmountFen), await db.SupportFundMovements.SumAsync(m => m.AmountFen));
            Assert.Null(await db.SettlementBatches.FirstOrDefaultAsync(b => b.BusinessDate == Day));
        }

        h.Nightly.AfterStepForTests = null;
        await runner.RunScheduledAsync();
        await AssertSettledOnceAsync(h);
        foreach (var m in new[] { "A", "B", "C", "D" })
            Assert.Equal(await clean.Ledger.GetBalancesAsync(await clean.IdOf(m)) with { MemberId = 0 },
                await h.Ledger.GetBalancesAsync(await h.IdOf(m)) with { MemberId = 0 });
    }
}
