using LianDong.Console.Api;
using LianDong.Domain.Engine;
using LianDong.Domain.Rewards;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Api;

/// <summary>
/// The group-commit queue on a real SQLite file. Batches are made deterministic by holding the <see cref="ApiWriteGate"/>
/// (the writer holds it while it applies a batch): the writer takes what is queued, then waits for the gate while the
/// test queues more.
/// </summary>
public class EngineWriteQueueTests
{
    private static readonly DateTimeOffset T0 = EngineTestHost.Start.AddDays(10);

    /// <summary>Holds the gate until disposed, as a pack write would.</summary>
    private sealed class HeldGate : IAsyncDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _holder;

        private HeldGate(ApiWriteGate gate, TaskCompletionSource held) =>
            _holder = gate.RunAsync(async () => { held.SetResult(); await _release.Task; return 0; }, CancellationToken.None);

        public static async Task<HeldGate> TakeAsync(ApiWriteGate gate)
        {
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var h = new HeldGate(gate, held);
            await held.Task;
            return h;
        }

        public async ValueTask DisposeAsync()
        {
            _release.TrySetResult();
            await _holder;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(5, timeout.Token);
    }

    private static async Task<int> CountOrdersAsync(EngineTestHost h, string orderId)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        return await db.Orders.CountAsync(o => o.ExternalId == orderId);
    }

    [Fact]
    public async Task A_faulty_event_in_a_batch_fails_alone_and_the_others_commit_in_order()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var gate = new ApiWriteGate();
        await using var queue = new EngineWriteQueue(h.Engine, 400, gate);

        Task<ApplyOutcome> first, register, pay, unknown, conflict, child, childPay;
        await using (await HeldGate.TakeAsync(gate))
        {
            first = queue.SubmitAsync(new RegisterMember("R", null, T0));
            await WaitUntilAsync(() => queue.Queued == 0); // the writer took [R] and waits for the gate
            // Queued behind it, in this order; each later one depends on an earlier one.
            register = queue.SubmitAsync(new RegisterMember("A", "R", T0.AddMinutes(1)));
            pay = queue.SubmitAsync(new PayPackOrder("oA", "A", "GP499", T0.AddMinutes(2)));
            unknown = queue.SubmitAsync(new PayPackOrder("oX", "nobody", "GP499", T0.AddMinutes(3)));
            conflict = queue.SubmitAsync(new RegisterMember("A", "R", T0.AddMinutes(4))); // same id, different time
            child = queue.SubmitAsync(new RegisterMember("B", "A", T0.AddMinutes(5)));
            childPay = queue.SubmitAsync(new PayPackOrder("oB", "B", "GP499", T0.AddMinutes(6)));
            Assert.Equal(6, queue.Queued);
        }

        Assert.Equal(ApplyOutcome.Applied, await first);
        Assert.Equal(ApplyOutcome.Applied, await register);
        Assert.Equal(ApplyOutcome.Applied, await pay);
        var missing = await Assert.ThrowsAsync<UnknownReferenceException>(() => unknown);
        Assert.Equal("member", missing.What);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => conflict);
        Assert.Equal(ApplyOutcome.Applied, await child);
        Assert.Equal(ApplyOutcome.Applied, await childPay);

        var stats = queue.Stats;
        Assert.Equal(2, stats.Batches);          // [R], then the six together
        Assert.Equal(7, stats.Events);
        Assert.Equal(6, stats.MaxBatch);
        Assert.Equal(1, stats.FallbackBatches);  // the six were refused as a batch and applied one by one

        await using var db = await h.Db.CreateDbContextAsync();
        var members = await db.Members.OrderBy(m => m.Id).Select(m => new { m.ExternalId, m.RegisteredAt, m.TeamSize }).ToListAsync();
        Assert.Equal(["R", "A", "B"], members.Select(m => m.ExternalId));
        Assert.Equal(T0.AddMinutes(1), members[1].RegisteredAt); // the first registration of A, not its rival
        Assert.Equal([2, 1, 0], members.Select(m => m.TeamSize));
        Assert.Equal(["oA", "oB"], await db.Orders.OrderBy(o => o.Id).Select(o => o.ExternalId).ToListAsync());
    }

    [Fact]
    public async Task The_same_events_through_the_queue_or_one_by_one_give_the_same_ledger_and_counters()
    {
        var events = new List<EngineEvent> { new RegisterMember("R", null, T0) };
        for (var i = 0; i < 40; i++) events.Add(new RegisterMember($"m{i}", i < 4 ? "R" : $"m{i / 4 - 1}", T0.AddMinutes(1 + i)));
        for (var i = 0; i < 40; i++) events.Add(new PayPackOrder($"o{i}", $"m{i}", "GP499", T0.AddHours(1).AddMinutes(i)));
        for (var i = 0; i < 10; i++) events.Add(new PayRetailOrder($"r{i}", $"m{i}", 1000 + i, T0.AddHours(2).AddMinutes(i)));
        for (var i = 0; i < 40; i += 7) events.Add(new RefundOrder($"o{i}", T0.AddHours(3).AddMinutes(i)));

        await using var batched = await EngineTestHost.CreateAsync();
        var gate = new ApiWriteGate();
        await using (var queue = new EngineWriteQueue(batched.Engine, 25, gate))
        {
            Task<ApplyOutcome[]> all;
            await using (await HeldGate.TakeAsync(gate))
                all = Task.WhenAll(events.Select(e => queue.SubmitAsync(e)).ToList());
            Assert.All(await all, o => Assert.Equal(ApplyOutcome.Applied, o));
            Assert.True(queue.Stats.MaxBatch == 25 && queue.Stats.Batches >= events.Count / 25, $"{queue.Stats}");
            Assert.Equal(0, queue.Stats.FallbackBatches);
        }

        await using var serial = await EngineTestHost.CreateAsync();
        foreach (var e in events) Assert.Equal(ApplyOutcome.Applied, await serial.Engine.ApplyAsync(e));

        Assert.Equal(await SnapshotAsync(serial), await SnapshotAsync(batched));
    }

    /// <summary>Everything the events decide: members' ranks and counters, every ledger entry, rank changes, orders.</summary>
    internal static async Task<string> SnapshotAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var ext = await db.Members.ToDictionaryAsync(m => m.Id, m => m.ExternalId);
        string? X(long? id) => id is long v ? ext[v] : null;
        var members = (await db.Members.OrderBy(m => m.Id).ToListAsync()).Select(m =>
            $"{m.ExternalId} {m.Rank} q{m.QualifiedReferrals} t{m.TeamSize}/{m.TeamAgents}/{m.TeamPartners} led{m.LedAgents} leader={X(m.LeaderId)} peer={X(m.PeerBeneficiaryId)}");
        var entries = (await db.LedgerEntries.OrderBy(e => e.Id).ToListAsync()).Select(e =>
            $"{e.Id} {X(e.BeneficiaryId)} {e.Kind} {e.Status} {e.AmountFen} {e.SettlesOn} {e.IdempotencyKey}");
        var ranks = (await db.MemberRankChanges.OrderBy(c => c.Id).ToListAsync()).Select(c => $"{X(c.MemberId)} {c.FromRank}->{c.ToRank} {c.Reason}");
        var orders = (await db.Orders.OrderBy(o => o.Id).ToListAsync()).Select(o => $"{o.ExternalId} {o.PriceFen} {o.IsQualifying} {o.RefundedAt}");
        var sums = await db.LedgerEntries.GroupBy(e => e.Status).Select(g => new { g.Key, Fen = g.Sum(e => e.AmountFen) }).OrderBy(g => g.Key).ToListAsync();
        return string.Join("\n", members.Concat(entries).Concat(ranks).Concat(orders).Concat(sums.Select(s => $"{s.Key} {s.Fen}")));
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_is_never_applied_and_one_cancelled_after_it_was_taken_is_applied()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var gate = new ApiWriteGate();
        await using var queue = new EngineWriteQueue(h.Engine, 400, gate);
        await queue.SubmitAsync(new RegisterMember("R", null, T0));

        using var takenThenCancelled = new CancellationTokenSource();
        using var cancelledInQueue = new CancellationTokenSource();
        Task<ApplyOutcome> taken, withdrawn, after;
        await using (await HeldGate.TakeAsync(gate))
        {
            taken = queue.SubmitAsync(new PayRetailOrder("r1", "R", 100, T0.AddMinutes(1)), takenThenCancelled.Token);
            await WaitUntilAsync(() => queue.Queued == 0); // in the writer's batch, waiting for the gate
            withdrawn = queue.SubmitAsync(new PayRetailOrder("r2", "R", 200, T0.AddMinutes(2)), cancelledInQueue.Token);
            after = queue.SubmitAsync(new PayRetailOrder("r3", "R", 300, T0.AddMinutes(3)));

            cancelledInQueue.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
            takenThenCancelled.Cancel();
            await Task.Delay(50);
            Assert.False(taken.IsCompleted, "an event the writer has taken is awaited to its outcome");
        }

        Assert.Equal(ApplyOutcome.Applied, await taken);
        Assert.Equal(ApplyOutcome.Applied, await after);
        Assert.Equal(1, await CountOrdersAsync(h, "r1"));
        Assert.Equal(0, await CountOrdersAsync(h, "r2"));
        Assert.Equal(1, await CountOrdersAsync(h, "r3"));
        Assert.Equal(3, queue.Stats.Events); // R, r1, r3: the withdrawn event was skipped, not applied
    }

    [Fact]
    public async Task Shutdown_applies_what_is_queued_then_refuses_new_events()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var gate = new ApiWriteGate();
        var queue = new EngineWriteQueue(h.Engine, 400, gate);
        var pending = new List<Task<ApplyOutcome>>();
        ValueTask closing;
        await using (await HeldGate.TakeAsync(gate))
        {
            pending.Add(queue.SubmitAsync(new RegisterMember("R", null, T0)));
            for (var i = 0; i < 5; i++) pending.Add(queue.SubmitAsync(new PayRetailOrder($"r{i}", "R", 100 + i, T0.AddMinutes(1 + i))));
            closing = queue.DisposeAsync();
            await Assert.ThrowsAsync<EngineWriteQueueClosedException>(() => queue.SubmitAsync(new PayRetailOrder("late", "R", 1, T0.AddHours(1))));
        }
        await closing;
        Assert.All(await Task.WhenAll(pending), o => Assert.Equal(ApplyOutcome.Applied, o));
        for (var i = 0; i < 5; i++) Assert.Equal(1, await CountOrdersAsync(h, $"r{i}"));
        Assert.Equal(0, await CountOrdersAsync(h, "late"));
    }

    [Fact]
    public async Task Shutdown_that_cannot_drain_in_time_fails_the_waiting_events_and_applies_none_of_them()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var gate = new ApiWriteGate();
        var queue = new EngineWriteQueue(h.Engine, 400, gate, drainTimeout: TimeSpan.FromMilliseconds(200));
        var pending = new List<Task<ApplyOutcome>>();
        await using (await HeldGate.TakeAsync(gate))
        {
            pending.Add(queue.SubmitAsync(new RegisterMember("R", null, T0)));
            await WaitUntilAsync(() => queue.Queued == 0);
            for (var i = 0; i < 3; i++) pending.Add(queue.SubmitAsync(new RegisterMember($"m{i}", null, T0.AddMinutes(1 + i))));
            await queue.DisposeAsync(); // the gate stays held past the drain timeout
            foreach (var p in pending) await Assert.ThrowsAsync<EngineWriteQueueClosedException>(() => p);
        }
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.Members.CountAsync());
    }
}
