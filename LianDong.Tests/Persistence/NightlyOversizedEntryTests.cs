using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>
/// Issue 13: one member's entries whose sum passes 2^63−1 (posted before the input limits, or written by hand) made every
/// nightly run fail with "integer overflow", so nobody was settled. They now stay Pending and everybody else settles.
/// </summary>
public class NightlyOversizedEntryTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    [Fact]
    public async Task A_member_whose_entries_would_overflow_the_batch_does_not_stop_the_night_for_the_others()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.RegisterAndPayAsync("B", "A", T.AddHours(1));   // A: direct 10000
        await h.RegisterAndPayAsync("C", "B", T.AddHours(2));   // B: direct 10000
        await h.RegisterAndPayAsync("D", "A", T.AddHours(3));   // A: direct 10000 (A becomes a Partner)
        var a = await h.IdOf("A");
        var b = await h.IdOf("B");
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            // As if two orders of 2^62 fen had been accepted: the two entries together pass long.MaxValue.
            Assert.Equal(2, await db.Database.ExecuteSqlRawAsync(
                "UPDATE LedgerEntries SET AmountFen = {0} WHERE BeneficiaryId = {1}", [(1L << 62) + 1, a]));
        }

        var runs = await h.NightlyAsync(new DateOnly(2026, 1, 8));

        Assert.Equal(10000, runs.Sum(r => r.SettledFen));
        await using var check = await h.Db.CreateDbContextAsync();
        var line = await check.SettlementLines.SingleAsync();
        Assert.Equal((b, 10000L), (line.MemberId, line.AmountFen));
        Assert.Equal(2, await check.LedgerEntries.CountAsync(e => e.BeneficiaryId == a && e.Status == EntryStatus.Pending));
        Assert.Equal(EntryStatus.Available, (await check.LedgerEntries.SingleAsync(e => e.BeneficiaryId == b)).Status);
        Assert.True(await check.NightlyRuns.AllAsync(r => r.Outcome == NightlyRunOutcome.Completed));
        await h.Get<LedgerTotalsService>().ReadAsync(); // the dashboard's totals still read
    }
}
