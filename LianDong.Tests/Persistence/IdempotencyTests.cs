using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class IdempotencyTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    private static async Task<(int Entries, int Orders, int Members, int Changes)> CountsAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        return (await db.LedgerEntries.CountAsync(), await db.Orders.CountAsync(), await db.Members.CountAsync(), await db.MemberRankChanges.CountAsync());
    }

    [Fact]
    public async Task Same_order_delivered_twice_is_applied_once()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.At(T.AddHours(1), new RegisterMember("B", "A", T.AddHours(1)));
        var pay = new PayPackOrder("oB", "B", "GP499", T.AddHours(2));
        Assert.Equal(ApplyOutcome.Applied, await h.At(pay.At, pay));
        var before = await CountsAsync(h);
        Assert.Equal(ApplyOutcome.AlreadyApplied, await h.At(pay.At.AddMinutes(5), pay));
        Assert.Equal(ApplyOutcome.AlreadyApplied, await h.At(pay.At.AddMinutes(5), new RegisterMember("B", "A", T.AddHours(1))));
        Assert.Equal(before, await CountsAsync(h));
        Assert.Equal(1, (await h.Members.FindAsync("A"))!.QualifiedReferrals);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_order_apply_it_once()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.At(T.AddHours(1), new RegisterMember("B", "A", T.AddHours(1)));
        var pay = new PayPackOrder("oB", "B", "GP499", T.AddHours(2));
        h.Clock.Now = T.AddHours(3);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => h.Engine.ApplyAsync(pay))));
        Assert.Equal(1, outcomes.Count(o => o == ApplyOutcome.Applied));
        Assert.Equal(3, outcomes.Count(o => o == ApplyOutcome.AlreadyApplied));
        Assert.Equal(10000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).PendingFen);
    }

    [Fact]
    public async Task Same_id_with_different_content_is_refused_and_changes_nothing()
    {
        await using var h = await EngineTestHost.CreateAsync((null), ("GP499", 49900, 17900), ("GP599", 59900, 19900));
        await h.RegisterAndPayAsync("A", null, T);
        await h.At(T.AddHours(1), new RegisterMember("B", "A", T.AddHours(1)));
        await h.At(T.AddHours(2), new PayPackOrder("oB", "B", "GP499", T.AddHours(2)));
        var before = await CountsAsync(h);
        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => h.At(T.AddHours(3), new PayPackOrder("oB", "B", "GP599", T.AddHours(2))));
        Assert.Contains("pack \"GP499\" ≠ \"GP599\"", ex.Message);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => h.At(T.AddHours(3), new PayRetailOrder("oB", "B", 100, T.AddHours(2))));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => h.At(T.AddHours(3), new RegisterMember("B", null, T.AddHours(1))));
        Assert.Equal(before, await CountsAsync(h));
    }

    [Fact]
    public async Task Idempotency_keys_are_unique_in_the_database()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.RegisterAndPayAsync("B", "A", T.AddHours(1));
        await using var db = await h.Db.CreateDbContextAsync();
        var e = await db.LedgerEntries.AsNoTracking().SingleAsync();
        Assert.Equal($"ord:{e.OrderId}:Direct:{e.BeneficiaryId}:pending", e.IdempotencyKey);
        db.LedgerEntries.Add(new LedgerEntry(e.BeneficiaryId, e.Kind, e.AmountFen, e.OrderId, e.RuleSetId, null, null, e.PostedAt,
            e.PostingDate, e.SettlesOn, e.IdempotencyKey, EntryStatus.Pending));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_batch_is_one_transaction_all_or_nothing()
    {
        await using var h = await EngineTestHost.CreateAsync();
        h.Clock.Now = T.AddDays(1);
        var good = new EngineEvent[]
        {
            new RegisterMember("A", null, T), new PayPackOrder("oA", "A", "GP499", T),
            new RegisterMember("B", "A", T.AddMinutes(1)), new PayPackOrder("oB", "B", "GP499", T.AddMinutes(2)),
        };
        await Assert.ThrowsAsync<UnknownReferenceException>(() => h.Engine.ApplyBatchAsync([.. good, new PayPackOrder("oX", "X", "GP499", T.AddMinutes(3))]));
        Assert.Equal((0, 0, 0, 0), await CountsAsync(h));

        var outcomes = await h.Engine.ApplyBatchAsync([.. good, good[3]]);
        Assert.Equal([ApplyOutcome.Applied, ApplyOutcome.Applied, ApplyOutcome.Applied, ApplyOutcome.Applied, ApplyOutcome.AlreadyApplied], outcomes);
        var a = (await h.Members.FindAsync("A"))!;
        Assert.Equal((MemberRank.Agent, 1, 1, 1), (a.Rank, a.QualifiedReferrals, a.TeamSize, a.TeamAgents));
        Assert.Equal(10000, (await h.Ledger.GetBalancesAsync(a.Id)).PendingFen);
    }

    [Fact]
    public async Task Refund_twice_changes_nothing_the_second_time()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        await h.RegisterAndPayAsync("B", "A", T.AddHours(1));
        Assert.Equal(ApplyOutcome.Applied, await h.At(T.AddHours(2), new RefundOrder("oB", T.AddHours(2))));
        var before = await CountsAsync(h);
        Assert.Equal(ApplyOutcome.AlreadyApplied, await h.At(T.AddHours(3), new RefundOrder("oB", T.AddHours(3))));
        Assert.Equal(before, await CountsAsync(h));
        Assert.Equal(MemberRank.Member, (await h.Members.FindAsync("B"))!.Rank);
        Assert.Equal(0, (await h.Members.FindAsync("A"))!.QualifiedReferrals);
        await Assert.ThrowsAsync<UnknownReferenceException>(() => h.At(T.AddHours(3), new RefundOrder("nope", T.AddHours(3))));
    }
}
