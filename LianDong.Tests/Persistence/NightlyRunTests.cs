using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class NightlyRunTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1); // local 2026-01-01 09:00
    private static readonly DateOnly Day8 = new(2026, 1, 8);

    /// <summary>The worked example's events (section 11) without the nightly.</summary>
    private static async Task WorkedExampleAsync(EngineTestHost h)
    {
        await h.RegisterAndPayAsync("A", null, T);
        foreach (var (m, r, i) in new[] { ("B", "A", 1), ("C", "A", 2), ("D", "A", 3), ("E", "D", 4), ("F", "D", 5), ("G", "D", 6) })
            await h.RegisterAndPayAsync(m, r, T.AddHours(i));
    }

    private static async Task<string> SnapshotAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var entries = await db.LedgerEntries.OrderBy(e => e.Id).Select(e => $"{e.Id}:{e.Status}").ToListAsync();
        var changes = await db.LedgerStatusChanges.OrderBy(c => c.Id).Select(c => $"{c.EntryId}:{c.FromStatus}>{c.ToStatus}").ToListAsync();
        var fund = await db.SupportFundMovements.OrderBy(m => m.Id).Select(m => $"{m.Kind}:{m.AmountFen}").ToListAsync();
        var lines = await db.SettlementLines.Join(db.SettlementBatches, l => l.BatchId, b => b.Id, (l, b) => new { b.BusinessDate, l.MemberId, l.AmountFen, l.EntryCount })
            .OrderBy(x => x.BusinessDate).ThenBy(x => x.MemberId).Select(x => $"{x.BusinessDate}:{x.MemberId}:{x.AmountFen}:{x.EntryCount}").ToListAsync();
        var tasks = await db.ChannelTasks.OrderBy(t => t.Id).Select(t => $"{t.Id}:{t.Status}").ToListAsync();
        return string.Join("\n", entries.Concat(changes).Concat(fund).Concat(lines).Concat(tasks));
    }

    [Fact]
    public async Task Running_a_date_again_changes_nothing()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await WorkedExampleAsync(h);
        var first = await h.NightlyAsync(Day8);
        Assert.Equal(Day8, first[^1].BusinessDate);
        Assert.Equal(14, first.Sum(s => s.SettledEntries));
        var before = await SnapshotAsync(h);
        var again = await h.NightlyAsync(Day8);
        Assert.True(Assert.Single(again).AlreadyCompleted);
        Assert.Equal(before, await SnapshotAsync(h));
    }

    [Fact]
    public async Task The_settlement_batch_lists_per_member_what_was_settled()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await WorkedExampleAsync(h);
        await h.NightlyAsync(Day8);
        await using var db = await h.Db.CreateDbContextAsync();
        var batch = await db.SettlementBatches.SingleAsync(b => b.BusinessDate == Day8);
        var lines = await db.SettlementLines.Where(l => l.BatchId == batch.Id).ToDictionaryAsync(l => l.MemberId, l => l.AmountFen);
        Assert.Equal(92000, lines[await h.IdOf("A")]);
        Assert.Equal(44000, lines[await h.IdOf("D")]);
        Assert.Equal(136000, batch.TotalFen);
        Assert.Equal(2, batch.MemberCount);
    }

    [Fact]
    public async Task Runs_batches_entries_and_the_fund_can_be_listed_page_by_page()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await WorkedExampleAsync(h);
        await h.NightlyAsync(Day8);
        var runs = await h.LedgerQueries.GetNightlyRunsAsync(3);
        Assert.Equal([Day8, Day8.AddDays(-1), Day8.AddDays(-2)], runs.Select(r => r.BusinessDate));
        var batch = (await h.LedgerQueries.GetSettlementBatchAsync(Day8))!;
        var lines = await h.LedgerQueries.GetSettlementLinesAsync(batch.Id, take: 1);
        var rest = await h.LedgerQueries.GetSettlementLinesAsync(batch.Id, lines[^1].Id);
        Assert.Equal(136000, lines.Concat(rest).Sum(l => l.AmountFen));
        var a = await h.IdOf("A");
        var page = await h.LedgerQueries.GetEntriesAsync(a, take: 5);
        var next = await h.LedgerQueries.GetEntriesAsync(a, page[^1].Id, 50);
        Assert.Equal(92000, page.Concat(next).Sum(e => e.AmountFen));
        Assert.All(page, e => Assert.StartsWith("o", e.Order));
        Assert.Empty(await h.LedgerQueries.GetWithheldAsync());
        Assert.Empty(await h.LedgerQueries.GetFundMovementsAsync());
    }

    [Fact]
    public async Task A_missed_night_is_caught_up_date_by_date_each_with_its_batch()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await WorkedExampleAsync(h);
        var runs = await h.NightlyAsync(new DateOnly(2026, 1, 10));
        Assert.Equal(Enumerable.Range(1, 10).Select(d => new DateOnly(2026, 1, d)), runs.Select(r => r.BusinessDate));
        Assert.Equal(14, runs.Single(r => r.BusinessDate == Day8).SettledEntries);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(10, await db.SettlementBatches.CountAsync());
        Assert.Equal(10, await db.NightlyRuns.CountAsync(r => r.Outcome == NightlyRunOutcome.Completed && r.StepReached == NightlyRun.StepSettle));
        var later = await h.NightlyAsync(new DateOnly(2026, 1, 12));
        Assert.Equal([new DateOnly(2026, 1, 11), new DateOnly(2026, 1, 12)], later.Select(r => r.BusinessDate));
    }

    [Fact]
    public async Task A_run_that_crashed_between_steps_resumes_where_it_stopped_and_ends_like_a_clean_run()
    {
        await using var clean = await EngineTestHost.CreateAsync();
        await using var crashy = await EngineTestHost.CreateAsync();
        await WorkedExampleAsync(clean);
        await WorkedExampleAsync(crashy);
        await clean.NightlyAsync(Day8);

        crashy.Nightly.AfterStepForTests = (date, step) =>
            date == Day8 && step == NightlyRun.StepRelease ? throw new IOException("power cut") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => crashy.NightlyAsync(Day8));
        await using (var db = await crashy.Db.CreateDbContextAsync())
        {
            var run = await db.NightlyRuns.SingleAsync(r => r.BusinessDate == Day8);
            Assert.Equal((NightlyRunOutcome.Failed, NightlyRun.StepRelease, "power cut"), (run.Outcome, run.StepReached, run.Error));
            Assert.Equal(3, await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Pending && e.ChannelTaskId != null)); // released, not settled
        }

        crashy.Nightly.AfterStepForTests = null;
        var resumed = await crashy.NightlyAsync(Day8);
        Assert.Equal(Day8, Assert.Single(resumed).BusinessDate);
        Assert.Equal(await SnapshotAsync(clean), await SnapshotAsync(crashy));
        await using var check = await crashy.Db.CreateDbContextAsync();
        var done = await check.NightlyRuns.SingleAsync(r => r.BusinessDate == Day8);
        Assert.Equal((NightlyRunOutcome.Completed, 2, 14), (done.Outcome, done.Attempts, done.SettledEntries));
    }

    [Fact]
    public async Task A_later_run_first_finishes_an_earlier_date_that_failed()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await WorkedExampleAsync(h);
        await h.NightlyAsync(new DateOnly(2026, 1, 5));
        h.Nightly.AfterStepForTests = (date, step) => date == new DateOnly(2026, 1, 6) && step == NightlyRun.StepExpireAndForfeit
            ? throw new TimeoutException("killed") : Task.CompletedTask;
        await Assert.ThrowsAsync<TimeoutException>(() => h.NightlyAsync(new DateOnly(2026, 1, 6)));
        h.Nightly.AfterStepForTests = null;

        var runs = await h.NightlyAsync(Day8);
        Assert.Equal([new DateOnly(2026, 1, 6), new DateOnly(2026, 1, 7), Day8], runs.Select(r => r.BusinessDate));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(8, await db.NightlyRuns.CountAsync(r => r.Outcome == NightlyRunOutcome.Completed));
        Assert.Equal(14, await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Available));
    }

    [Fact]
    public async Task Expired_tasks_forfeit_their_frozen_shares_to_the_support_fund()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.At(T, new RegisterMember("P", null, T));
        await h.At(T, new AppointPartner("P", "admin", T));
        await h.RegisterAndPayAsync("S", "P", T.AddHours(1)); // S: seed of P, task due 2026-01-31
        var runs = await h.NightlyAsync(new DateOnly(2026, 1, 31));
        Assert.Equal(1, runs.Sum(r => r.ExpiredTasks));
        Assert.Equal(6000, runs.Sum(r => r.ForfeitedFen));
        Assert.Equal(6000, await h.Fund.GetBalanceFenAsync());
        var p = await h.Ledger.GetBalancesAsync(await h.IdOf("P"));
        Assert.Equal((24000L, 0L, 6000L), (p.AvailableFen, p.FrozenFen, p.ForfeitedFen));

        // A refund after the forfeit takes the amount back from the fund.
        await h.At(T.AddDays(40), new RefundOrder("oS", T.AddDays(40)));
        Assert.Equal(0, await h.Fund.GetBalanceFenAsync());
    }

    [Fact]
    public async Task A_date_that_has_not_ended_is_refused()
    {
        await using var h = await EngineTestHost.CreateAsync();
        h.Clock.Now = PlatformTime.EndOfLocalDay(Day8).AddSeconds(-1);
        await Assert.ThrowsAsync<EngineRuleException>(() => h.Nightly.RunAsync(Day8, "test"));
    }
}
