using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Finance;

public class SettlementQueryTests
{
    [Fact]
    public async Task A_batch_has_totals_by_kind_lines_per_member_and_each_line_drills_into_its_entries()
    {
        await using var h = await FinanceScenario.CreateAsync();
        var q = h.Get<SettlementQueryService>();
        var all = await q.ListAsync(); // the run for day 8 caught up days 1..8: one batch per business date, newest first
        Assert.Equal(Enumerable.Range(0, 8).Select(i => FinanceScenario.Day8.AddDays(-i)), all.Select(b => b.BusinessDate));
        Assert.Equal(7, (await q.ListAsync(before: FinanceScenario.Day8)).Count);
        var batch = (await q.GetAsync(FinanceScenario.Day8))!;
        Assert.Equal((FinanceScenario.Day8, 2, 136000L), (batch.BusinessDate, batch.MemberCount, batch.TotalFen));

        var kinds = await q.KindTotalsAsync(batch.Id);
        Assert.Equal(batch.TotalFen, kinds.Sum(k => k.AmountFen));
        Assert.Equal(batch.EntryCount, kinds.Sum(k => k.EntryCount));
        await using var db = await h.Db.CreateDbContextAsync();
        var expected = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available).GroupBy(e => e.Kind)
            .Select(g => new { g.Key, Sum = g.Sum(e => e.AmountFen) }).ToDictionaryAsync(x => x.Key, x => x.Sum);
        Assert.Equal(expected, kinds.ToDictionary(k => k.Kind, k => k.AmountFen));

        var lines = await q.LinesAsync(batch.Id);
        Assert.Equal(["A", "D"], lines.Select(l => l.MemberExternalId).Order());
        var page1 = await q.LinesAsync(batch.Id, 0, 1);
        var page2 = await q.LinesAsync(batch.Id, page1[^1].Id, 1);
        Assert.Equal(lines.Select(l => l.Id), page1.Concat(page2).Select(l => l.Id));

        foreach (var line in lines)
        {
            var entries = await q.MemberEntriesAsync(batch.Id, line.MemberId);
            Assert.Equal((line.EntryCount, line.AmountFen), (entries.Count, entries.Sum(e => e.AmountFen)));
            Assert.All(entries, e => Assert.NotNull(e.Order));
        }
    }
}
