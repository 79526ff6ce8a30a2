using System.Diagnostics;
using System.Text;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LianDong.Tests.Reliability;

/// <summary>
/// Issue 8, crash safety of the nightly run: a database with about 300 business dates not yet run, the run started
/// as a real process (the <c>nightly</c> verb, then the console with its scheduler) and killed with SIGKILL part-way,
/// three times; the next start takes the interrupted run over (its Running row names a process of this machine that is
/// gone) and the last one completes it. The result must equal an uninterrupted run on a copy of the starting file.
/// </summary>
[Collection(CrashTestsCollection.Name)]
public class KillDuringNightlyTests(ITestOutputHelper output)
{
    private const int Seed = 20261123;
    private const int Days = 300;

    [Fact]
    public async Task A_nightly_run_killed_three_times_is_taken_over_and_ends_as_an_uninterrupted_run_would()
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(Seed);
        var folder = Directory.CreateTempSubdirectory("liandong-crash-nightly-").FullName;
        var dbFile = Path.Combine(folder, "liandong.db");
        var copyFile = Path.Combine(folder, "uninterrupted.db");
        Process? reference = null;
        try
        {
            // Yesterday (platform time) is the date both the verb and the console's start-up catch-up run up to.
            var yesterday = PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-1);
            var firstDate = yesterday.AddDays(-Days + 1);
            // (The host deletes its file when disposed: it lives as long as the test.)
            await using var h = await EngineTestHost.CreateAtAsync(dbFile);
            await SeedAsync(h, firstDate, yesterday, rng);
            await using (var db = await h.Db.CreateDbContextAsync())
            {
                Assert.Equal(0, await db.NightlyRuns.CountAsync());
                await db.Database.ExecuteSqlAsync($"VACUUM INTO {copyFile}"); // a consistent copy of the starting file
            }
            // The console's start-up check expects WAL mode, which VACUUM INTO does not carry over.
            await using (var copy = NewContext(copyFile))
                await copy.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            var seeded = clock.Elapsed;

            // The same starting file, run once without interruption by the verb, beside the crash run (it only competes
            // for the CPU): the state the interrupted run must end in.
            var copyEnv = new Dictionary<string, string> { ["ConnectionStrings__Default"] = $"Data Source={copyFile}" };
            var uninterrupted = Stopwatch.StartNew();
            var referenceOutput = new StringBuilder();
            reference = ConsoleProcess.Start(folder, copyEnv, referenceOutput, "nightly", "--date", $"{yesterday:yyyy-MM-dd}");

            var env = new Dictionary<string, string> { ["ConnectionStrings__Default"] = $"Data Source={dbFile}" };
            void Log(string line) => output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  {line}");
            Log($"seeded {firstDate:yyyy-MM-dd}..{yesterday.AddDays(-1):yyyy-MM-dd} in {seeded.TotalSeconds:F1} s");
            var interrupted = new List<Hit>();
            // Kill points as shares of the whole run's progress (4 per date), seeded.
            var total = 4 * (yesterday.DayNumber - (await FirstPostingDateAsync(dbFile)).DayNumber + 1);
            int Share(double from, double to) => (int)(total * (from + (to - from) * rng.NextDouble()));

            // Kills 1 and 2: the verb, killed once it has completed some dates and is inside the next one.
            foreach (var atLeast in new[] { Share(0.08, 0.2), Share(0.35, 0.45) })
            {
                var text = new StringBuilder();
                using var verb = ConsoleProcess.Start(folder, env, text, "nightly", "--date", $"{yesterday:yyyy-MM-dd}");
                var hit = await KillMidRunAsync(dbFile, verb.Id, () => verb.HasExited, async () => { verb.Kill(); await verb.WaitForExitAsync(); },
                    atLeast, () => text.ToString());
                interrupted.Add(hit);
                Log($"nightly verb (pid {verb.Id}) killed: {hit}");
            }

            // Kill 3: the console with its scheduler on (the start-up catch-up takes the run over), killed part-way.
            var jobsOn = new Dictionary<string, string> { ["Jobs:Enabled"] = "true" };
            await using (var console = await ConsoleServerProcess.StartAsync(dbFile, jobsOn))
            {
                var hit = await KillMidRunAsync(dbFile, console.ProcessId, () => console.HasExited, console.KillAsync, Share(0.6, 0.7), () => console.Output);
                interrupted.Add(hit);
                Log($"console (pid {console.ProcessId}) killed: {hit}");
            }
            Assert.Equal("ok", await DatabaseState.IntegrityCheckAsync(dbFile));

            // The next start completes the interrupted run and every date after it.
            DateOnly lastDate;
            var resumed = Stopwatch.StartNew();
            await using (var console = await ConsoleServerProcess.StartAsync(dbFile, jobsOn))
            {
                while (true)
                {
                    await using var db = NewContext(dbFile);
                    var target = PlatformTime.LocalDate(DateTimeOffset.UtcNow).AddDays(-1);
                    var done = await db.NightlyRuns.AnyAsync(r => r.BusinessDate == target && r.Outcome == NightlyRunOutcome.Completed)
                        && !await db.NightlyRuns.AnyAsync(r => r.Outcome != NightlyRunOutcome.Completed);
                    if (done) { lastDate = target; break; }
                    Assert.True(resumed.Elapsed < TimeSpan.FromSeconds(90) && !console.HasExited, "the restarted console did not complete the run:\n" + console.Output);
                    await Task.Delay(50);
                }
                Log($"restarted console completed the run in {resumed.Elapsed.TotalSeconds:F1} s (start-up included)");
            }
            Assert.Equal("ok", await DatabaseState.IntegrityCheckAsync(dbFile));

            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
                await reference.WaitForExitAsync(limit.Token);
            Assert.True(reference.ExitCode == 0, referenceOutput.ToString());
            Log($"uninterrupted run on the copy ended after {uninterrupted.Elapsed.TotalSeconds:F1} s (process start included; it ran beside the kills)");
            if (lastDate > yesterday) // the platform day ended during the test: the console ran one more date
                Assert.Equal(0, (await ConsoleProcess.RunAsync(folder, copyEnv, "nightly", "--date", $"{lastDate:yyyy-MM-dd}")).ExitCode);

            await using var crashed = NewContext(dbFile);
            await using var clean = NewContext(copyFile);
            var runs = await crashed.NightlyRuns.AsNoTracking().OrderBy(r => r.BusinessDate).ToListAsync();
            var firstPosting = await crashed.LedgerEntries.MinAsync(e => e.PostingDate); // the catch-up starts there
            Assert.Equal(lastDate.DayNumber - firstPosting.DayNumber + 1, runs.Count);
            Assert.All(runs, r => Assert.Equal(NightlyRunOutcome.Completed, r.Outcome));
            // Each interrupted date was taken over: its row was claimed again (attempts counted) and completed.
            // (A kill can land between two dates, after one row is completed and before the next is inserted; it is
            // nearly always inside one.)
            Assert.Contains(interrupted, i => i.Date is not null);
            foreach (var date in interrupted.Select(i => i.Date).OfType<DateOnly>())
                Assert.True(runs.Single(r => r.BusinessDate == date).Attempts >= 2, $"{date} was not taken over");

            // Nothing posted twice: one move per entry and status, one fund movement per entry and kind, one batch per date.
            Assert.Empty(await crashed.LedgerStatusChanges.GroupBy(c => new { c.EntryId, c.FromStatus, c.ToStatus }).Where(g => g.Count() > 1).Select(g => g.Key.EntryId).ToListAsync());
            Assert.Empty(await crashed.SupportFundMovements.Where(f => f.LedgerEntryId != null).GroupBy(f => new { f.LedgerEntryId, f.Kind })
                .Where(g => g.Count() > 1).Select(g => g.Key.LedgerEntryId).ToListAsync());
            Assert.Equal(runs.Count, await crashed.SettlementBatches.Select(b => b.BusinessDate).Distinct().CountAsync());
            Assert.Empty(await DatabaseState.DuplicateIdempotencyKeysAsync(crashed));

            var expected = await DatabaseState.NightlyFingerprintAsync(clean);
            var actual = await DatabaseState.NightlyFingerprintAsync(crashed);
            var diff = DatabaseState.Difference(expected, actual);
            Assert.True(diff.Length == 0, "the interrupted run differs from the uninterrupted one:\n" + diff);

            var moved = await crashed.LedgerStatusChanges.CountAsync(c => c.NightlyRunId != null);
            var settled = await crashed.SettlementBatches.SumAsync(b => b.TotalFen);
            var forfeited = await crashed.SupportFundMovements.Where(f => f.Kind == FundMovementKind.Forfeit).SumAsync(f => f.AmountFen);
            Assert.True(moved > 0 && settled > 0 && forfeited > 0, $"the run did too little to test: {moved} moves, {settled} fen settled, {forfeited} fen forfeited");
            output.WriteLine($"{runs.Count} business dates, {await crashed.Members.CountAsync()} members, {await crashed.LedgerEntries.CountAsync()} entries " +
                $"(seeded in {seeded.TotalSeconds:F0} s); 3 kills, {interrupted.Count(i => i.Date is not null)} inside a date's run; {moved} status changes, {settled} fen settled, " +
                $"{forfeited} fen forfeited to the support fund — {expected.Count} lines equal to the uninterrupted run; {clock.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            if (reference is { HasExited: false }) reference.Kill();
            reference?.Dispose();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // a process still running keeps its files open
        }
    }

    /// <summary>
    /// How far the run rows say the work has come: a completed date counts 4, a claimed one 1 + the steps it has
    /// committed (0–3). It relies only on the rows' public meaning, not on how the service groups dates into transactions.
    /// </summary>
    private static async Task<int> ProgressAsync(LianDong.Domain.Persistence.LianDongDbContext db) =>
        await db.NightlyRuns.SumAsync(r => r.Outcome == NightlyRunOutcome.Completed ? 4 : r.StepReached + 1);

    /// <summary>
    /// Polls the run rows until progress reaches <paramref name="atLeast"/> while a date is Running under process
    /// <paramref name="pid"/>, then kills that process. Fails if the process ends first (the run was too short).
    /// Returns the first date left Running by the dead process (null when the kill fell between two dates), its step,
    /// how many rows it left Running and how many dates were completed.
    /// </summary>
    private static async Task<Hit> KillMidRunAsync(string dbFile, int pid, Func<bool> exited, Func<Task> kill, int atLeast, Func<string> processOutput)
    {
        var started = Stopwatch.StartNew();
        var marker = $":{pid}:";
        while (true)
        {
            Assert.True(!exited(), $"the process ended before the kill point (progress {atLeast}):\n{processOutput()}");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"no progress to {atLeast} in 60 s:\n{processOutput()}");
            await using (var db = NewContext(dbFile))
            {
                if (await ProgressAsync(db) >= atLeast
                    && await db.NightlyRuns.AnyAsync(r => r.Outcome == NightlyRunOutcome.Running && r.Runner!.Contains(marker)))
                {
                    await kill();
                    break;
                }
            }
            await Task.Delay(2);
        }
        // What the kill left: Running rows of a process that is gone, at the step their last committed transaction reached.
        await using var after = NewContext(dbFile);
        Assert.Equal("ok", await DatabaseState.IntegrityCheckAsync(dbFile));
        var left = await after.NightlyRuns.AsNoTracking().Where(r => r.Outcome == NightlyRunOutcome.Running).OrderBy(r => r.BusinessDate).ToListAsync();
        var completed = await after.NightlyRuns.CountAsync(r => r.Outcome == NightlyRunOutcome.Completed);
        if (left.Count == 0) return new Hit(null, 0, 0, completed);
        // Every Running row names a process that is gone (rows a kill interrupted before this one may not all have been
        // claimed again yet); the killed process left at least one.
        Assert.All(left, r => Assert.True(RunnerIdentity.IsDeadOnThisMachine(r.Runner), r.Runner));
        var first = left.First(r => r.Runner!.Contains(marker));
        return new Hit(first.BusinessDate, first.StepReached, left.Count, completed);
    }

    private sealed record Hit(DateOnly? Date, int Step, int RunningRows, int Completed)
    {
        public override string ToString() => Date is { } d
            ? $"{Completed} dates completed, {RunningRows} left Running from {d:yyyy-MM-dd} (after step {Step} of 3)"
            : $"{Completed} dates completed, killed between two dates";
    }

    /// <summary>
    /// About two joins a day (registration + pack order) in a few trees, retail orders and some refunds, through the
    /// engine in time order, ~200 events a batch: rewards pending and frozen, channel tasks that complete, expire or are
    /// cancelled.
    /// </summary>
    private static async Task SeedAsync(EngineTestHost h, DateOnly first, DateOnly yesterday, Random rng)
    {
        var members = new List<string>();
        var orders = new List<string>();
        var events = new List<EngineEvent>();
        for (var date = first; date < yesterday; date = date.AddDays(1))
        {
            var at = new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));
            var joins = members.Count < 6 ? 6 : rng.Next(1, 4);
            for (var j = 0; j < joins; j++)
            {
                var id = $"n{members.Count}";
                // Mostly under recent members (deep, growing teams), sometimes a new root.
                string? referrer = members.Count < 6 ? null : members[Math.Max(0, members.Count - 1 - rng.Next(Math.Min(members.Count, 40)))];
                events.Add(new RegisterMember(id, referrer, at = at.AddMinutes(3)));
                events.Add(new PayPackOrder("o" + id, id, "GP499", at = at.AddMinutes(1)));
                members.Add(id);
                orders.Add("o" + id);
            }
            if (rng.NextDouble() < 0.6)
            {
                var order = $"r{date:yyyyMMdd}";
                events.Add(new PayRetailOrder(order, members[rng.Next(members.Count)], rng.Next(5_000, 80_000), at = at.AddMinutes(2)));
                orders.Add(order);
            }
            if (rng.NextDouble() < 0.15 && orders.Count > 10)
            {
                var order = orders[rng.Next(orders.Count - 5)];
                orders.Remove(order);
                events.Add(new RefundOrder(order, at.AddMinutes(2)));
            }
            if (events.Count >= 200 || date.AddDays(1) == yesterday)
            {
                await h.Engine.ApplyBatchAsync(events); // in order, one transaction per batch (fewer commits to seed faster)
                events.Clear();
            }
        }
    }

    private static async Task<DateOnly> FirstPostingDateAsync(string dbFile)
    {
        await using var db = NewContext(dbFile);
        return await db.LedgerEntries.MinAsync(e => e.PostingDate);
    }

    private static LianDong.Domain.Persistence.LianDongDbContext NewContext(string dbFile)
    {
        var o = new DbContextOptionsBuilder<LianDong.Domain.Persistence.LianDongDbContext>();
        LianDong.Domain.Persistence.PersistenceServiceCollectionExtensions.Configure(o, $"Data Source={dbFile}");
        return new LianDong.Domain.Persistence.LianDongDbContext(o.Options);
    }
}
