using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Jobs;

public class TwoProcessesTests
{
    [Fact]
    public async Task Two_console_processes_running_nightly_on_one_database_settle_each_date_once()
    {
        await using var h = await EngineTestHost.CreateAsync();
        for (var d = 0; d < 20; d++)
            await h.RegisterAndPayAsync($"M{d}", d == 0 ? null : "M0", new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero).AddDays(d));
        var env = new Dictionary<string, string> { ["ConnectionStrings__Default"] = $"Data Source={h.DbPath}" };
        var cwd = Path.GetDirectoryName(h.DbPath)!;

        var results = await Task.WhenAll(
            ConsoleProcess.RunAsync(cwd, env, "nightly", "--date", "2026-02-15"),
            ConsoleProcess.RunAsync(cwd, env, "nightly", "--date", "2026-02-15"));
        var report = string.Join("\n---\n", results.Select(r => $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}"));
        foreach (var r in results)
        {
            // Either it ran (some) dates, or it met a date the other process held and stopped there, saying so: exit 0
            // both ways, so cron reports no failure.
            Assert.True(r.ExitCode == 0, report);
        }
        if (results.Any(r => r.StdOut.Contains("held by another process")))
            Assert.Equal(0, (await ConsoleProcess.RunAsync(cwd, env, "nightly", "--date", "2026-02-15")).ExitCode);

        await using var db = await h.Db.CreateDbContextAsync();
        var runs = await db.NightlyRuns.ToListAsync();
        Assert.True(runs.Count == 45, report); // 2026-01-02 (the first posting date) … 2026-02-15
        Assert.True(runs.All(r => r.Outcome == NightlyRunOutcome.Completed),
            report + "\n" + string.Join("\n", runs.Where(r => r.Outcome != NightlyRunOutcome.Completed).Select(r => $"{r.BusinessDate} {r.Outcome} {r.Runner} {r.Error}")));
        Assert.Equal(runs.Count, await db.SettlementBatches.CountAsync());
        var available = await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Available);
        Assert.True(available > 0);
        Assert.Equal(available, await db.LedgerStatusChanges.CountAsync(c => c.ToStatus == EntryStatus.Available));
        Assert.Equal(await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available).SumAsync(e => e.AmountFen),
            await db.SettlementBatches.SumAsync(b => b.TotalFen));
    }

    [Fact]
    public async Task A_nightly_run_that_meets_a_date_held_by_another_process_exits_0_saying_so()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("B", "A", new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero));
        h.Clock.Now = new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero);
        var day = new DateOnly(2026, 1, 5);
        var paused = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        h.Nightly.AfterStepForTests = async (date, step) =>
        {
            if (date == day && step == NightlyRun.StepExpireAndForfeit) { paused.TrySetResult(); await resume.Task; }
        };
        // This test process holds 2026-01-05 (its run row says Running, by a live process) while cron's run starts.
        var holder = h.Nightly.RunAsync(day, "holder");
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var env = new Dictionary<string, string> { ["ConnectionStrings__Default"] = $"Data Source={h.DbPath}" };
            var cron = await ConsoleProcess.RunAsync(Path.GetDirectoryName(h.DbPath)!, env, "nightly", "--date", "2026-01-09");
            Assert.True(cron.ExitCode == 0, $"exit {cron.ExitCode}\n{cron.StdOut}\n{cron.StdErr}");
            Assert.Contains("nightly: 2026-01-05 is held by another process", cron.StdOut);
            Assert.Contains("2026-01-05 held by another runner, left alone", cron.StdOut);
        }
        finally { resume.TrySetResult(); }
        await holder;
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.False(await db.NightlyRuns.AnyAsync(r => r.BusinessDate > day), "dates after the held one ran out of order");
    }
}
