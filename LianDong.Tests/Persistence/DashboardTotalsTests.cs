using System.Text.Json;
using LianDong.Console.Features.Dashboard;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>
/// The dashboard reads ledger totals kept up to a watermark by the nightly run plus what was posted or moved since.
/// Its figures must equal the full scan's at every point: before any run, after a run, after refunds, clawbacks,
/// payouts and failed payouts on top of the aggregate, and after the next run folds those in.
/// </summary>
public class DashboardTotalsTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1); // local 2026-01-01 09:00

    private static async Task AssertSameAsFullScanAsync(EngineTestHost h, string when)
    {
        var live = await new DashboardFiguresQuery(h.Db, h.Clock).ComputeAsync();
        var full = await new FullScanDashboardFigures(h.Db, h.Clock).ComputeAsync();
        var options = new JsonSerializerOptions { WriteIndented = true };
        Assert.True(JsonSerializer.Serialize(full, options) == JsonSerializer.Serialize(live, options),
            $"{when}:\nfull scan {JsonSerializer.Serialize(full, options)}\ntotals {JsonSerializer.Serialize(live, options)}");
    }

    private static async Task<(long Aggregated, long TailEntries, long TailChanges)> TailAsync(EngineTestHost h)
    {
        var t = await h.Get<LedgerTotalsService>().ReadAsync();
        return (t.AggregatedEntries, t.TailEntries, t.TailChanges);
    }

    [Fact]
    public async Task Figures_equal_the_full_scan_before_and_after_runs_refunds_clawbacks_and_payouts()
    {
        await using var h = await EngineTestHost.CreateAsync(packs: [("GP499", 49900, 17900), ("GP999", 99900, 30000)]);
        await h.At(T, new RegisterMember("P1", null, T));
        await h.At(T, new AppointPartner("P1", "admin", T));
        await h.RegisterAndPayAsync("S1", "P1", T.AddHours(1));
        await h.RegisterAndPayAsync("S2", "P1", T.AddHours(2));
        await h.RegisterAndPayAsync("S3", "P1", T.AddHours(3));        // no referrals: its task expires on Jan 31
        foreach (var (m, r, day) in new[] { ("A", "S1", 1), ("B", "A", 2), ("C", "A", 3), ("D", "S2", 4), ("E", "D", 5) })
        {
            var at = T.AddDays(day);
            await h.At(at, new RegisterMember(m, r, at));
            await h.At(at.AddMinutes(1), new PayPackOrder("o" + m, m, day % 2 == 0 ? "GP999" : "GP499", at.AddMinutes(1)));
        }
        await h.At(T.AddDays(5).AddHours(3), new PayRetailOrder("r1", "E", 20000, T.AddDays(5).AddHours(3)));
        await h.At(T.AddDays(6), new RefundOrder("oC", T.AddDays(6)));   // Pending entries cancelled
        h.Clock.Now = T.AddDays(6).AddHours(1);
        Assert.Equal(0, (await TailAsync(h)).Aggregated);
        await AssertSameAsFullScanAsync(h, "before any nightly run (everything is tail)");

        await h.NightlyAsync(new DateOnly(2026, 1, 12));
        var afterRun = await TailAsync(h);
        Assert.True(afterRun is { Aggregated: > 0, TailEntries: 0, TailChanges: 0 }, afterRun.ToString());
        h.Clock.Now = T.AddDays(12);
        await AssertSameAsFullScanAsync(h, "after the nightly run (everything is aggregated)");

        // On top of the aggregate: new postings, a refund of a settled order (clawbacks), payouts and a failed payout.
        await h.At(T.AddDays(12), new PayRetailOrder("r2", "B", 50000, T.AddDays(12)));
        await h.RegisterAndPayAsync("F", "E", T.AddDays(12).AddHours(1));
        await h.At(T.AddDays(12).AddHours(2), new RefundOrder("oB", T.AddDays(12).AddHours(2)));
        long[] available;
        await using (var db = await h.Db.CreateDbContextAsync())
            available = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Available && e.Kind != EntryKind.Clawback)
                .OrderBy(e => e.Id).Select(e => e.Id).Take(4).ToArrayAsync();
        Assert.Equal(4, available.Length);
        foreach (var id in available) Assert.True(await h.Ledger.MoveStatusAsync(id, EntryStatus.Available, EntryStatus.Paid, "finance"));
        Assert.True(await h.Ledger.MoveStatusAsync(available[0], EntryStatus.Paid, EntryStatus.Available, "finance"));
        var tail = await TailAsync(h);
        Assert.True(tail is { TailEntries: > 0, TailChanges: > 0 }, tail.ToString());
        await AssertSameAsFullScanAsync(h, "after postings, a clawback refund and payouts on top of the aggregate");

        // The 30-day window moves on; then the next run folds the tails into the aggregate.
        h.Clock.Now = T.AddDays(33);
        await AssertSameAsFullScanAsync(h, "a month later");
        await h.NightlyAsync(new DateOnly(2026, 2, 3));
        Assert.Equal((0L, 0L), ((await TailAsync(h)).TailEntries, (await TailAsync(h)).TailChanges));
        await AssertSameAsFullScanAsync(h, "after the next nightly run");
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            Assert.True(await db.LedgerEntries.AnyAsync(e => e.Kind == EntryKind.Clawback));
            Assert.True(await db.LedgerEntries.AnyAsync(e => e.Status == EntryStatus.Paid));
            Assert.True(await db.LedgerEntries.AnyAsync(e => e.Status == EntryStatus.Cancelled));
            Assert.True(await db.LedgerEntries.AnyAsync(e => e.Status == EntryStatus.Forfeited)); // S3's task expired
        }
    }

    [Fact]
    public async Task A_refresh_with_nothing_new_changes_no_total_and_the_figures_stay_equal()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.RegisterAndPayAsync("B", "A", T.AddHours(1));
        await h.NightlyAsync(new DateOnly(2026, 1, 9));
        var totals = h.Get<LedgerTotalsService>();
        var before = await totals.ReadAsync();
        await totals.RefreshAsync();
        await totals.RefreshAsync();
        var after = await totals.ReadAsync();
        Assert.Equal(before.Entries.OrderBy(e => e.Key.ToString()), after.Entries.OrderBy(e => e.Key.ToString()));
        Assert.Equal(before.PackRevenueFen, after.PackRevenueFen);
        h.Clock.Now = T.AddDays(9);
        await AssertSameAsFullScanAsync(h, "after refreshes with nothing new");
    }
}
