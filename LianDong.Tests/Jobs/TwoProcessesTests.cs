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
            // Either it ran (some) dates, or it met a date the other process held and stopped there, saying so.
            Assert.True(r.ExitCode == 0 || (r.ExitCode == 1 && r.StdErr.Contains("another process")), report);
        }
        if (results.Any(r => r.ExitCode == 1))
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
}
