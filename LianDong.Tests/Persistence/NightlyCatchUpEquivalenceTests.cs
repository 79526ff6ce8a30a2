using LianDong.Domain.Engine;
using LianDong.Domain.Settlement;
using LianDong.Domain.Tasks;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>
/// A catch-up runs the missed dates as one block (one transaction per step over the whole range). It must leave the
/// same database as running the dates one at a time: the same status moves with the same runs, the same fund moves,
/// the same batches and lines, the same task states and the same counters on every run row.
/// </summary>
public class NightlyCatchUpEquivalenceTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1); // local 2026-01-01 09:00
    private static readonly DateOnly Jan1 = new(2026, 1, 1);

    /// <summary>
    /// Events over two weeks: two partners, seeds whose tasks complete, expire on different dates (inside the
    /// catch-up) or are cancelled by a refund, a refunded ordinary order and retail orders; a first nightly on Jan 2.
    /// </summary>
    private static async Task ScenarioAsync(EngineTestHost h, Func<DateOnly, Task> nightly)
    {
        await h.At(T, new RegisterMember("P1", null, T));
        await h.At(T, new RegisterMember("P2", null, T));
        await h.At(T, new AppointPartner("P1", "admin", T));
        await h.At(T, new AppointPartner("P2", "admin", T));
        await h.RegisterAndPayAsync("S1", "P1", T.AddHours(1));       // task due Jan 31, completed by X1 below
        await h.RegisterAndPayAsync("S4", "P2", T.AddHours(2));       // task cancelled by the refund on Jan 9
        await nightly(Jan1.AddDays(1));
        await h.RegisterAndPayAsync("S2", "P1", T.AddDays(2));        // task due Feb 2: expires inside the catch-up
        await h.RegisterAndPayAsync("X1", "S1", T.AddDays(3));        // completes S1's task
        await h.RegisterAndPayAsync("S3", "P2", T.AddDays(4));        // task due Feb 4
        await h.RegisterAndPayAsync("Y1", "P1", T.AddDays(5));        // another seed of P1: task due Feb 5
        await h.RegisterAndPayAsync("Z1", "X1", T.AddDays(6));
        await h.At(T.AddDays(6).AddHours(2), new PayRetailOrder("r1", "Z1", 12000, T.AddDays(6).AddHours(2)));
        await h.RegisterAndPayAsync("Z2", "Z1", T.AddDays(7));
        await h.At(T.AddDays(8), new RefundOrder("oS4", T.AddDays(8)));
        await h.At(T.AddDays(9), new RefundOrder("oZ2", T.AddDays(9)));  // Pending entries cancelled
        await h.RegisterAndPayAsync("W1", "X1", T.AddDays(10).AddHours(3));
        await h.At(T.AddDays(11), new PayRetailOrder("r2", "W1", 30000, T.AddDays(11)));
    }

    private static async Task<string> DatabaseAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var runDate = await db.NightlyRuns.ToDictionaryAsync(r => r.Id, r => r.BusinessDate);
        var entries = await db.LedgerEntries.OrderBy(e => e.Id).Select(e => $"entry {e.Id} {e.Kind} {e.AmountFen} {e.Status}").ToListAsync();
        var changes = (await db.LedgerStatusChanges.Select(c => new { c.EntryId, c.FromStatus, c.ToStatus, c.Actor, c.NightlyRunId }).ToListAsync())
            .Select(c => $"change {c.EntryId} {c.FromStatus}>{c.ToStatus} {c.Actor} run {(c.NightlyRunId is { } r ? runDate[r].ToString("yyyy-MM-dd") : "-")}")
            .Order(StringComparer.Ordinal);
        var fund = (await db.SupportFundMovements.OrderBy(m => m.Id).Select(m => new { m.Kind, m.AmountFen, m.LedgerEntryId, m.MemberId, m.Actor, m.NightlyRunId }).ToListAsync())
            .Select(m => $"fund {m.Kind} {m.AmountFen} entry {m.LedgerEntryId} member {m.MemberId} {m.Actor} run {(m.NightlyRunId is { } r ? runDate[r].ToString("yyyy-MM-dd") : "-")}");
        var batches = await db.SettlementBatches.OrderBy(b => b.BusinessDate)
            .Select(b => $"batch {b.BusinessDate} members {b.MemberCount} entries {b.EntryCount} fen {b.TotalFen}").ToListAsync();
        var lines = await db.SettlementLines.Join(db.SettlementBatches, l => l.BatchId, b => b.Id, (l, b) => new { b.BusinessDate, l.MemberId, l.EntryCount, l.AmountFen })
            .OrderBy(x => x.BusinessDate).ThenBy(x => x.MemberId).Select(x => $"line {x.BusinessDate} {x.MemberId} {x.EntryCount} {x.AmountFen}").ToListAsync();
        var runs = await db.NightlyRuns.OrderBy(r => r.BusinessDate).Select(r =>
            $"run {r.BusinessDate} {r.Outcome} step {r.StepReached} expired {r.ExpiredTasks} forfeited {r.ForfeitedEntries}/{r.ForfeitedFen} released {r.ReleasedEntries} settled {r.SettledEntries}/{r.SettledFen}").ToListAsync();
        var tasks = await db.ChannelTasks.OrderBy(t => t.Id).Select(t => $"task {t.Id} {t.Status} due {t.DeadlineDate}").ToListAsync();
        return string.Join("\n", entries.Concat(changes).Concat(fund).Concat(batches).Concat(lines).Concat(runs).Concat(tasks));
    }

    [Fact]
    public async Task A_multi_date_catch_up_leaves_the_same_database_as_running_the_dates_one_by_one()
    {
        await using var oneByOne = await EngineTestHost.CreateAsync();
        await using var catchUp = await EngineTestHost.CreateAsync();
        var end = new DateOnly(2026, 2, 10);

        await ScenarioAsync(oneByOne, d => oneByOne.NightlyAsync(d));
        var single = new List<NightlyRunSummary>();
        for (var d = Jan1.AddDays(2); d <= end; d = d.AddDays(1))
            single.Add(Assert.Single(await oneByOne.NightlyAsync(d)));

        await ScenarioAsync(catchUp, d => catchUp.NightlyAsync(d));
        var block = await catchUp.NightlyAsync(end);

        Assert.Equal(single, block);
        var expected = await DatabaseAsync(oneByOne);
        Assert.Equal(expected, await DatabaseAsync(catchUp));

        // The scenario exercises what the block has to attribute to the right date.
        Assert.True(single.Count(s => s.ExpiredTasks > 0) >= 2, expected);
        Assert.True(single.Count(s => s.SettledEntries > 0) >= 5, expected);
        Assert.Contains(single, s => s.ForfeitedEntries > 0 && s.BusinessDate > Jan1.AddDays(2));
        Assert.Contains(single, s => s.ReleasedEntries > 0);
        await using var db = await catchUp.Db.CreateDbContextAsync();
        Assert.Equal(new HashSet<ChannelTaskStatus> { ChannelTaskStatus.Cancelled, ChannelTaskStatus.Completed, ChannelTaskStatus.Expired },
            (await db.ChannelTasks.Select(t => t.Status).ToListAsync()).ToHashSet());
    }

    [Fact]
    public async Task A_catch_up_that_crashed_after_a_step_resumes_and_ends_like_the_dates_run_one_by_one()
    {
        await using var oneByOne = await EngineTestHost.CreateAsync();
        await using var crashy = await EngineTestHost.CreateAsync();
        var end = new DateOnly(2026, 2, 10);
        await ScenarioAsync(oneByOne, d => oneByOne.NightlyAsync(d));
        for (var d = Jan1.AddDays(2); d <= end; d = d.AddDays(1)) await oneByOne.NightlyAsync(d);

        await ScenarioAsync(crashy, d => crashy.NightlyAsync(d));
        crashy.Nightly.AfterStepForTests = (date, step) =>
            date == new DateOnly(2026, 2, 2) && step == NightlyRun.StepExpireAndForfeit ? throw new IOException("power cut") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashy.NightlyAsync(end));
        await using (var db = await crashy.Db.CreateDbContextAsync())
        {
            // The whole block stands at step 1, failed; the fund was credited once.
            var failed = await db.NightlyRuns.Where(r => r.BusinessDate > Jan1.AddDays(1) && r.BusinessDate < end).ToListAsync();
            Assert.All(failed, r => Assert.Equal((NightlyRunOutcome.Failed, NightlyRun.StepExpireAndForfeit), (r.Outcome, r.StepReached)));
            Assert.Equal(0, await db.SettlementBatches.CountAsync(b => b.BusinessDate > Jan1.AddDays(1)));
        }
        crashy.Nightly.AfterStepForTests = null;
        await crashy.NightlyAsync(end);
        var resumed = await DatabaseAsync(crashy);
        Assert.Equal(await DatabaseAsync(oneByOne), resumed);

        // Running it again changes nothing.
        Assert.True(Assert.Single(await crashy.NightlyAsync(end)).AlreadyCompleted);
        Assert.Equal(resumed, await DatabaseAsync(crashy));
    }
    [Fact]
    public async Task A_catch_up_that_crashed_between_two_settled_dates_resumes_and_ends_like_the_dates_run_one_by_one()
    {
        await using var oneByOne = await EngineTestHost.CreateAsync();
        await using var crashy = await EngineTestHost.CreateAsync();
        var end = new DateOnly(2026, 2, 10);
        var crashAfter = new DateOnly(2026, 2, 2);
        await ScenarioAsync(oneByOne, d => oneByOne.NightlyAsync(d));
        for (var d = Jan1.AddDays(2); d <= end; d = d.AddDays(1)) await oneByOne.NightlyAsync(d);

        await ScenarioAsync(crashy, d => crashy.NightlyAsync(d));
        crashy.Nightly.AfterStepForTests = (date, step) =>
            date == crashAfter && step == NightlyRun.StepSettle ? throw new IOException("power cut") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashy.NightlyAsync(end));
        await using (var db = await crashy.Db.CreateDbContextAsync())
        {
            // Settling commits date by date (ADR 0072): the dates up to the crash are settled, the later ones are not.
            var runs = await db.NightlyRuns.Where(r => r.BusinessDate > Jan1.AddDays(1) && r.BusinessDate < end).ToListAsync();
            Assert.All(runs, r => Assert.Equal(
                (NightlyRunOutcome.Failed, r.BusinessDate <= crashAfter ? NightlyRun.StepSettle : NightlyRun.StepRelease), (r.Outcome, r.StepReached)));
            var batches = await db.SettlementBatches.Where(b => b.BusinessDate > Jan1.AddDays(1)).Select(b => b.BusinessDate).ToListAsync();
            Assert.NotEmpty(batches);
            Assert.All(batches, d => Assert.True(d <= crashAfter));
        }
        crashy.Nightly.AfterStepForTests = null;
        await crashy.NightlyAsync(end);
        var resumed = await DatabaseAsync(crashy);
        Assert.Equal(await DatabaseAsync(oneByOne), resumed);

        Assert.True(Assert.Single(await crashy.NightlyAsync(end)).AlreadyCompleted);
        Assert.Equal(resumed, await DatabaseAsync(crashy));
    }
}
