using LianDong.Console.Jobs;
using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Jobs;

/// <summary>
/// Hangfire may run the nightly job twice at once (a retry or a dashboard trigger beside the cron, two workers, two
/// processes): the run row per date is the only guarantee, so a second execution must settle nothing twice.
/// Both executions are made as Hangfire makes them: a fresh DI scope of the console each, in one process.
/// </summary>
public class NightlyJobTwiceAtOnceTests
{
    private static async Task<(EngineTestHost H, SchedulerConsole Console)> StartAsync()
    {
        var h = await NightlySchedulerTests.PlatformAsync();
        // No job server: the test runs the job itself, twice.
        var console = new SchedulerConsole($"Data Source={h.DbPath}", h.Clock, new Dictionary<string, string> { ["Jobs:Enabled"] = "false" });
        Assert.Null(console.Services.GetRequiredService<NightlyScheduler>().Server);
        return (h, console);
    }

    private static async Task ExecuteAsync(SchedulerConsole console)
    {
        await using var scope = console.Services.CreateAsyncScope();
        await ActivatorUtilities.CreateInstance<NightlyJob>(scope.ServiceProvider).RunAsync(CancellationToken.None);
    }

    /// <summary>One batch per date, every move to Available recorded once, batches summing to what is available.</summary>
    private static async Task AssertSettledOnceAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var runs = await db.NightlyRuns.AsNoTracking().OrderBy(r => r.BusinessDate).ToListAsync();
        Assert.Equal(10, runs.Count); // 2026-01-01 … 2026-01-10
        Assert.All(runs, r => Assert.Equal(NightlyRunOutcome.Completed, r.Outcome));
        Assert.All(runs, r => Assert.Equal(1, r.Attempts));
        var batchDates = await db.SettlementBatches.Select(b => b.BusinessDate).ToListAsync();
        Assert.Equal(runs.Select(r => r.BusinessDate), batchDates.Order());
        var available = await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Available);
        Assert.True(available > 0);
        Assert.Equal(available, await db.LedgerStatusChanges.CountAsync(c => c.ToStatus == EntryStatus.Available));
        Assert.Equal(await db.SettlementBatches.SumAsync(b => b.TotalFen),
            await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available).SumAsync(e => e.AmountFen));
    }

    [Fact]
    public async Task A_second_execution_while_the_first_works_changes_nothing_and_the_first_settles_once()
    {
        var (h, console) = await StartAsync();
        await using var _ = h;
        await using var __ = console;
        var paused = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        var first = 1;
        console.Services.GetRequiredService<NightlyRunService>().AfterStepForTests = async (_, step) =>
        {
            if (step == NightlyRun.StepExpireAndForfeit && Interlocked.Exchange(ref first, 0) == 1) { paused.SetResult(); await resume.Task; }
        };
        var one = ExecuteAsync(console);
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The first holds its run rows (Running, this process): the second meets them, leaves them alone, and succeeds.
        var before = DatabaseFingerprint.Of(h.DbPath);
        await ExecuteAsync(console).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(before, DatabaseFingerprint.Of(h.DbPath));

        resume.SetResult();
        await one;
        await AssertSettledOnceAsync(h);

        // And once the first is done, another execution finds every date completed.
        var done = DatabaseFingerprint.Of(h.DbPath);
        await ExecuteAsync(console);
        Assert.Equal(done, DatabaseFingerprint.Of(h.DbPath));
    }

    [Fact]
    public async Task Two_executions_started_together_settle_each_date_once()
    {
        var (h, console) = await StartAsync();
        await using var _ = h;
        await using var __ = console;
        await Task.WhenAll(Task.Run(() => ExecuteAsync(console)), Task.Run(() => ExecuteAsync(console)));
        // Whichever was held off stopped where the other held a date; the other finished every date.
        await AssertSettledOnceAsync(h);
    }
}
