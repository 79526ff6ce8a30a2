using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class LedgerStatusTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    [Fact]
    public async Task Status_moves_are_compare_and_set_and_recorded()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.RegisterAndPayAsync("B", "A", T.AddHours(1));
        long id;
        await using (var db = await h.Db.CreateDbContextAsync()) id = await db.LedgerEntries.Select(e => e.Id).SingleAsync();

        Assert.True(await h.Ledger.MoveStatusAsync(id, EntryStatus.Pending, EntryStatus.Available, "finance:1"));
        Assert.False(await h.Ledger.MoveStatusAsync(id, EntryStatus.Pending, EntryStatus.Available, "finance:2")); // lost the race
        Assert.True(await h.Ledger.MoveStatusAsync(id, EntryStatus.Available, EntryStatus.Paid, "payout:7"));
        Assert.True(await h.Ledger.MoveStatusAsync(id, EntryStatus.Paid, EntryStatus.Available, "payout:7 line failed"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Ledger.MoveStatusAsync(id, EntryStatus.Available, EntryStatus.Pending, "x"));

        await using var check = await h.Db.CreateDbContextAsync();
        var moves = await check.LedgerStatusChanges.Where(c => c.EntryId == id).OrderBy(c => c.Id)
            .Select(c => new { c.FromStatus, c.ToStatus, c.Actor }).ToListAsync();
        Assert.Equal([("Pending", "Available", "finance:1"), ("Available", "Paid", "payout:7"), ("Paid", "Available", "payout:7 line failed")],
            moves.Select(m => (m.FromStatus.ToString(), m.ToStatus.ToString(), m.Actor)));
        Assert.Equal(EntryStatus.Available, (await check.LedgerEntries.SingleAsync(e => e.Id == id)).Status);
    }

    [Fact]
    public async Task Refund_cancels_unsettled_entries_and_claws_back_settled_ones()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.RegisterAndPayAsync("B", "A", T.AddHours(1));
        await h.RegisterAndPayAsync("C", "A", T.AddHours(2)); // A → Partner
        await h.NightlyAsync(new DateOnly(2026, 1, 8));       // oB, oC settle
        await h.RegisterAndPayAsync("D", "A", T.AddDays(8));  // split, Pending + Frozen
        await h.At(T.AddDays(9), new RefundOrder("oB", T.AddDays(9)));
        await h.At(T.AddDays(9), new RefundOrder("oD", T.AddDays(9)));

        await using var db = await h.Db.CreateDbContextAsync();
        var a = await h.IdOf("A");
        var rows = await db.LedgerEntries.Where(e => e.BeneficiaryId == a).OrderBy(e => e.Id)
            .Select(e => new { e.Kind, e.AmountFen, e.Status, e.ReversesEntryId }).ToListAsync();
        Assert.Equal(
            ["Direct 10000 Available", "Direct 10000 Available", "Direct 8000 Cancelled", "Direct 2000 Cancelled",
             "SeePoint 16000 Cancelled", "SeePoint 4000 Cancelled", "Clawback -10000 Available"],
            rows.Select(r => $"{r.Kind} {r.AmountFen} {r.Status}"));
        var balances = await h.Ledger.GetBalancesAsync(a);
        Assert.Equal((0L, 0L, 10000L), (balances.PendingFen, balances.FrozenFen, balances.AvailableFen));
        Assert.Equal(4, await db.LedgerStatusChanges.CountAsync(c => c.ToStatus == EntryStatus.Cancelled && c.Actor == "refund:oD"));
    }
}
