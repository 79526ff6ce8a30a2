using DocumentFormat.OpenXml.Spreadsheet;
using LianDong.Console.Export;
using LianDong.Console.Features.Shared;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static LianDong.Tests.Finance.XlsxReader;

namespace LianDong.Tests.Finance;

public class ExportTests
{
    private static ExportService Export(EngineTestHost h) => new(h.Db, h.Get<SettlementQueryService>(), h.Get<PayoutService>(),
        h.Get<PayoutAccountService>(), h.Get<MerchantReportService>(), h.Clock);

    [Fact]
    public async Task Settlement_batch_has_a_summary_by_kind_and_a_line_per_member_that_add_up_to_the_ledger()
    {
        await using var h = await FinanceScenario.CreateAsync();
        using var file = new MemoryStream();
        Assert.True(await Export(h).SettlementBatchAsync(FinanceScenario.Day8, file, "fin@test"));
        Assert.False(await Export(h).SettlementBatchAsync(FinanceScenario.Day8.AddDays(30), new MemoryStream(), "fin@test"));
        file.Position = 0;
        using var x = new XlsxReader(file);
        Assert.Equal(["结算汇总", "结算明细"], x.SheetNames);

        await using var db = await h.Db.CreateDbContextAsync();
        var batch = await db.SettlementBatches.SingleAsync(b => b.BusinessDate == FinanceScenario.Day8);
        var ledgerLines = await db.SettlementLines.Where(l => l.BatchId == batch.Id).OrderBy(l => l.Id)
            .Join(db.Members, l => l.MemberId, m => m.Id, (l, m) => new { m.ExternalId, l.AmountFen, l.EntryCount }).ToListAsync();

        var lines = x.Sheet("结算明细");
        var rows = Rows(lines);
        Assert.Equal(2 + ledgerLines.Count + 1, rows.Count); // two header rows, the lines, the totals row
        Assert.Equal(("会员编号", "Member id"), (Text(CellAt(rows[0], "A")), Text(CellAt(rows[1], "A"))));
        for (var i = 0; i < ledgerLines.Count; i++)
        {
            var amount = CellAt(rows[2 + i], "D");
            Assert.True(IsNumber(amount));
            Assert.Equal("0.00", x.Format(amount));
            Assert.Equal((ledgerLines[i].ExternalId, ledgerLines[i].AmountFen), (Text(CellAt(rows[2 + i], "A")), Fen(amount)));
        }
        var total = CellAt(rows[^1], "D");
        Assert.Equal($"SUM(D3:D{rows.Count - 1})", total.CellFormula!.Text);
        Assert.Equal(batch.TotalFen, Fen(total));
        Assert.Equal(136000, Fen(total));
        Assert.Equal(batch.EntryCount, int.Parse(CellAt(rows[^1], "C").CellValue!.Text));
        var pane = lines.Descendants<Pane>().Single();
        Assert.Equal((2.0, PaneStateValues.Frozen), (pane.VerticalSplit!.Value, pane.State!.Value));
        Assert.Equal(4, lines.Descendants<Column>().Count(c => c.CustomWidth!.Value));

        var summary = Rows(x.Sheet("结算汇总"));
        var byKind = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available).GroupBy(e => e.Kind)
            .Select(g => new { g.Key, Sum = g.Sum(e => e.AmountFen) }).ToListAsync();
        Assert.Equal(byKind.Count, summary.Count - 3);
        foreach (var k in byKind)
            Assert.Equal(k.Sum, Fen(CellAt(summary.Single(r => Text(CellAt(r, "A")) == ExportService.KindName(k.Key)), "C")));
        Assert.Equal(136000, Fen(CellAt(summary[^1], "C")));
    }

    [Fact]
    public async Task Member_ledger_has_typed_dates_and_amounts_and_a_total_equal_to_the_entries()
    {
        await using var h = await FinanceScenario.CreateAsync();
        var a = await h.IdOf("A");
        using var file = new MemoryStream();
        Assert.True(await Export(h).MemberLedgerAsync("A", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), file, "fin@test"));
        file.Position = 0;
        using var x = new XlsxReader(file);
        var rows = Rows(x.Sheet("会员流水"));
        await using var db = await h.Db.CreateDbContextAsync();
        var entries = await db.LedgerEntries.Where(e => e.BeneficiaryId == a).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(entries.Count + 3, rows.Count);
        var first = rows[2];
        Assert.Equal(entries[0].Id.ToString(), CellAt(first, "A").CellValue!.Text);
        Assert.Equal("yyyy-mm-dd hh:mm", x.Format(CellAt(first, "B")));
        Assert.Equal("yyyy-mm-dd", x.Format(CellAt(first, "C")));
        // 2026-01-01 is serial 46023; posting date is the local (Asia/Shanghai) date.
        Assert.Equal(XlsxStreamWriter.Serial(entries[0].PostingDate).ToString(), CellAt(first, "C").CellValue!.Text);
        Assert.Equal(46023, XlsxStreamWriter.Serial(new DateOnly(2026, 1, 1)));
        Assert.Equal(entries.Sum(e => e.AmountFen), Fen(CellAt(rows[^1], "H")));
        Assert.Equal(entries.Select(e => e.AmountFen), rows.Skip(2).SkipLast(1).Select(r => Fen(CellAt(r, "H"))));
        // Statuses in the member page's words; the totals name the member and the range; a sheet totals per status.
        Assert.Equal(entries.Select(e => Display.Status(e.Status)), rows.Skip(2).SkipLast(1).Select(r => Text(CellAt(r, "F"))));
        Assert.Equal("合计 — 会员：A，记账日期 2026-01-01 至 2026-01-31", Text(CellAt(rows[^1], "A")));
        var byStatus = Rows(x.Sheet(ExportService.LedgerStatusSheet));
        var expected = entries.GroupBy(e => e.Status).OrderBy(g => g.Key).Select(g => (Display.Status(g.Key), (long)g.Count(), g.Sum(e => e.AmountFen))).ToList();
        Assert.Equal(expected, byStatus.Skip(2).SkipLast(1).Select(r => (Text(CellAt(r, "A")), long.Parse(CellAt(r, "B").CellValue!.Text), Fen(CellAt(r, "C")))));
        Assert.Equal(entries.Sum(e => e.AmountFen), Fen(CellAt(byStatus[^1], "C")));

        using var empty = new MemoryStream();
        Assert.True(await Export(h).MemberLedgerAsync("A", new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 2), empty, "fin@test"));
        empty.Position = 0;
        using var e2 = new XlsxReader(empty);
        Assert.Equal(3, Rows(e2.Sheet("会员流水")).Count);
        Assert.False(await Export(h).MemberLedgerAsync("nobody", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2), new MemoryStream(), "fin@test"));
    }

    [Fact]
    public async Task Payout_bank_file_has_the_full_account_yuan_purpose_and_reference_and_is_audited()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        await Assert.ThrowsAsync<PayoutRuleException>(() => Export(h).PayoutBatchAsync(batch.Id, new MemoryStream(), "fin1@test"));
        await payouts.ApproveAsync(batch.Id, "fin2@test");
        using var file = new MemoryStream();
        Assert.True(await Export(h).PayoutBatchAsync(batch.Id, file, "fin1@test"));
        file.Position = 0;
        using var x = new XlsxReader(file);
        var rows = Rows(x.Sheet("批量代发"));
        var lines = await payouts.GetLinesAsync(batch.Id);
        Assert.Equal(lines.Count + 1, rows.Count); // the template's header, one row per line, no totals
        var rowA = rows.Skip(1).Single(r => Text(CellAt(r, "F")) == lines.Single(l => l.MemberExternalId == "A").Reference);
        Assert.Equal(("6222020000" + ('A' % 10).ToString("D2") + "12345678", "张A三", "工商银行", "奖励提现"),
            (Text(CellAt(rowA, "A")), Text(CellAt(rowA, "B")), Text(CellAt(rowA, "C")), Text(CellAt(rowA, "E"))));
        Assert.Equal(92000, Fen(CellAt(rowA, "D")));
        Assert.Equal("920.00", CellAt(rowA, "D").CellValue!.Text);
        Assert.Equal(batch.TotalFen, rows.Skip(1).Sum(r => Fen(CellAt(r, "D"))));
        Assert.Equal(PayoutBatchStatus.Exported, (await payouts.GetBatchAsync(batch.Id))!.Status);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditLog.CountAsync(e => e.Action == "payout.export" && e.Actor == "fin1@test"));
    }

    [Fact]
    public async Task Merchant_payables_are_cost_times_packs_sold_minus_refunds_in_the_period()
    {
        await using var h = await FinanceScenario.CreateAsync();
        await h.At(FinanceScenario.T.AddDays(2), new RefundOrder("oG", FinanceScenario.T.AddDays(2)));
        var report = h.Get<MerchantReportService>();
        var jan = await report.PayablesAsync(h.MerchantId, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31));
        var row = Assert.Single(jan);
        Assert.Equal((7, 1, 6 * 17900L), (row.Sold, row.Refunded, row.PayableFen));
        Assert.Empty(await report.PayablesAsync(h.MerchantId + 1, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31)));
        // The refund falls in its own period.
        var day1 = Assert.Single(await report.PayablesAsync(null, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1)));
        Assert.Equal((7, 0, 7 * 17900L), (day1.Sold, day1.Refunded, day1.PayableFen));

        using var file = new MemoryStream();
        await Export(h).MerchantPayablesAsync(h.MerchantId, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), file, "m@test");
        file.Position = 0;
        using var x = new XlsxReader(file);
        var rows = Rows(x.Sheet("商户应付"));
        Assert.Equal(4, rows.Count);
        Assert.Equal(7, int.Parse(CellAt(rows[2], "E").CellValue!.Text));
        Assert.Equal(6 * 17900, Fen(CellAt(rows[2], "I")));
        Assert.Equal(6 * 17900, Fen(CellAt(rows[3], "I")));

        var totals = await report.TotalsAsync(new OrderFilter(h.MerchantId));
        Assert.Equal((7, 1, 7 * 49900L), (totals.Orders, totals.Refunded, totals.PriceFen));
        Assert.Equal(["oG"], (await report.OrdersAsync(new OrderFilter(h.MerchantId, Status: OrderStatusFilter.Refunded))).Select(o => o.ExternalId));
    }
}
