using System.Text.Json.Nodes;
using LianDong.Console.Api;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Api;

/// <summary>
/// Group commit seen from the storefront: many requests at once over HTTP (the test host) are committed in batches,
/// a request the engine refuses inside a batch gets its own problem while the rest commit exactly once, every
/// acknowledged write is stored, and the outcome equals sending the same requests one at a time in commit order.
/// </summary>
public class GroupCommitApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private const int Leaders = 10, Children = 120;

    private sealed record Call(string OrderId, object Body, string Expect, DateTimeOffset PaidAt);

    /// <summary>R, ten leaders who joined under R, and 120 members registered under the leaders, one request at a time.</summary>
    private static async Task SetUpAsync(HttpClient c)
    {
        await c.PutPackAsync("GP499", "M1");
        await c.JoinAsync("R", null, T0);
        for (var i = 0; i < Leaders; i++) await c.JoinAsync($"L{i}", "R", T0.AddMinutes(5 + i));
        for (var i = 0; i < Children; i++)
        {
            var (status, body) = await c.PostAsync("/api/v1/members", new { memberId = $"c{i}", referrerId = $"L{i % Leaders}", registeredAt = T0.AddHours(1).AddMinutes(i) });
            Assert.True(status == 201, body?.ToJsonString());
        }
    }

    /// <summary>
    /// 200 order requests: 120 qualifying pack orders, 40 retail orders, 20 repeats with the same content, 10 with the
    /// same order id as a pack order but another payment time (409 for whichever arrives second), and 10 paid before any
    /// rule set was in effect (the engine refuses them inside the batch: 422). Shuffled with a fixed seed.
    /// </summary>
    private static List<Call> Wave()
    {
        Call Pack(string orderId, int child, DateTimeOffset at, string expect) =>
            new(orderId, new { orderId, memberId = $"c{child}", kind = "pack", packCode = "GP499", paidAt = at }, expect, at);
        var calls = new List<Call>();
        for (var i = 0; i < Children; i++) calls.Add(Pack($"o-c{i}", i, T0.AddHours(3).AddMinutes(i), "commit"));
        for (var i = 0; i < 40; i++)
        {
            var at = T0.AddHours(5).AddMinutes(i);
            calls.Add(new($"r{i}", new { orderId = $"r{i}", memberId = $"L{i % Leaders}", kind = "retail", amountFen = 1000 + i, paidAt = at }, "commit", at));
        }
        for (var i = 0; i < 20; i++) calls.Add(Pack($"o-c{i}", i, T0.AddHours(3).AddMinutes(i), "repeat"));
        for (var i = 20; i < 30; i++) calls.Add(Pack($"o-c{i}", i, T0.AddHours(3).AddMinutes(i).AddSeconds(30), "rival"));
        for (var i = 0; i < 10; i++) calls.Add(Pack($"early{i}", 100 + i, new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.FromHours(8)), "refused"));
        var rnd = new Random(20261122);
        return calls.OrderBy(_ => rnd.Next()).ToList();
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_are_committed_in_batches_each_answered_as_if_alone()
    {
        await using var host = await ApiHost.StartAsync();
        var setup = await host.ClientAsync();
        await SetUpAsync(setup);
        var queue = host.Get<EngineWriteQueue>();
        var gate = host.Get<ApiWriteGate>();
        var wave = Wave();
        var client = await host.ClientAsync();
        await using var db0 = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        var setupOrders = await db0.Orders.MaxAsync(o => o.Id);

        // Hold the write gate (as a pack write would) until every request has passed its checks and is queued, so the
        // batches are large and mixed and the refused requests sit inside them.
        var submittedBefore = queue.Submitted;
        (Call Call, int Status, JsonNode? Body)[] results;
        var hold = await HoldAsync(gate);
        var sending = Task.WhenAll(wave.Select(async call =>
        {
            var (status, body) = await client.PostAsync("/api/v1/orders", call.Body);
            return (call, status, body);
        }));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            while (queue.Submitted - submittedBefore < wave.Count && !sending.IsCompleted) await Task.Delay(10, timeout.Token);
        Assert.False(sending.IsCompleted, "no request may be answered before its batch committed");
        await hold.DisposeAsync();
        results = await sending;

        var stats = queue.Stats;
        Assert.True(stats.MaxBatch > 100, $"batches formed: {stats}");
        Assert.True(stats.FallbackBatches >= 1, $"the refused requests were inside a batch: {stats}");

        // Each request got the answer it would get alone.
        foreach (var group in results.GroupBy(r => r.Call.OrderId))
        {
            var expect = group.Select(r => r.Call.Expect).ToHashSet();
            var statuses = group.Select(r => r.Status).Order().ToList();
            var all = string.Join("; ", group.Select(r => $"{r.Status} {r.Body?.ToJsonString()}"));
            if (expect.Contains("refused"))
            {
                Assert.True(statuses is [422], all);
                Assert.Equal("paidAt", (string?)group.Single().Body!["field"]);
            }
            else if (expect.Contains("repeat"))
            {
                Assert.True(statuses is [200, 201], all);
                Assert.Single(group.Select(r => r.Body!.ToJsonString()).Distinct());
            }
            else if (expect.Contains("rival"))
            {
                Assert.True(statuses is [201, 409], all);
                Assert.Equal("orderId", (string?)group.Single(r => r.Status == 409).Body!["field"]);
                var winner = group.Single(r => r.Status == 201);
                Assert.Equal(winner.Call.PaidAt, winner.Body!["paidAt"]!.GetValue<DateTimeOffset>());
            }
            else Assert.True(statuses is [201], all);
        }

        // Every acknowledged order is stored exactly once, with what the answer says; nothing refused is stored.
        await using var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        var stored = await db.Orders.Where(o => o.Id > setupOrders).OrderBy(o => o.Id).Select(o => new { o.ExternalId, o.PaidAt, o.PriceFen }).ToListAsync();
        var acknowledged = results.Where(r => r.Status is 200 or 201).GroupBy(r => r.Call.OrderId).ToList();
        Assert.Equal(acknowledged.Select(g => g.Key).Order(), stored.Select(o => o.ExternalId).Order());
        foreach (var g in acknowledged)
        {
            var row = stored.Single(o => o.ExternalId == g.Key);
            foreach (var r in g)
            {
                Assert.Equal(row.PaidAt, r.Body!["paidAt"]!.GetValue<DateTimeOffset>());
                Assert.Equal(row.PriceFen, (long)r.Body["amountFen"]!);
            }
        }
        var keys = await db.LedgerEntries.Select(e => e.IdempotencyKey).ToListAsync();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        var reported = results.Where(r => r.Status == 201).SelectMany(r => r.Body!["entries"]!.AsArray()).Select(e => (long)e!["entryId"]!).Order().ToList();
        var waveEntries = await db.LedgerEntries.Where(e => e.OrderId > setupOrders).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
        Assert.Equal(waveEntries, reported);

        // Sent one at a time, in the order the batches committed them, to a console set up the same way: the same
        // answers, and the same members, ledger, rank changes and orders.
        await using var serialHost = await ApiHost.StartAsync();
        var serialClient = await serialHost.ClientAsync();
        await SetUpAsync(serialClient);
        var winners = results.Where(r => r.Status == 201).ToDictionary(r => r.Call.OrderId);
        foreach (var o in stored)
        {
            var w = winners[o.ExternalId];
            var (status, body) = await serialClient.PostAsync("/api/v1/orders", w.Call.Body);
            Assert.Equal(201, status);
            Assert.Equal(w.Body!.ToJsonString(), body!.ToJsonString());
        }
        foreach (var r in results.Where(r => r.Status != 201))
        {
            var (status, body) = await serialClient.PostAsync("/api/v1/orders", r.Call.Body);
            Assert.Equal(r.Status, status);
            if (status == 200) Assert.Equal(r.Body!.ToJsonString(), body!.ToJsonString());
            else Assert.Equal(((string?)r.Body!["field"], (string?)r.Body["detail"]), ((string?)body!["field"], (string?)body["detail"]));
        }
        Assert.Equal(await SnapshotAsync(serialHost), await SnapshotAsync(host));
    }

    [Fact]
    public async Task Requests_arriving_together_share_batches_without_any_help()
    {
        await using var host = await ApiHost.StartAsync();
        var client = await host.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        await client.JoinAsync("R", null, T0);
        var queue = host.Get<EngineWriteQueue>();
        var before = queue.Stats;

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.PostAsync("/api/v1/members", new { memberId = $"m{i}", referrerId = "R", registeredAt = T0.AddMinutes(10 + i) })));

        Assert.All(results, r => Assert.True(r.Status == 201, r.Body?.ToJsonString()));
        var stats = queue.Stats;
        Assert.Equal(200, stats.Events - before.Events);
        Assert.True(stats.Batches - before.Batches < 200 && stats.MaxBatch > 1, $"batches formed: {stats}");
        await using var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        Assert.Equal(201, await db.Members.CountAsync());
        Assert.Equal(200, (await client.GetAsync2("/api/v1/members/R")).Body!["teamSize"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_write_sent_without_waiting_for_the_one_it_depends_on_waits_for_it_in_the_queue()
    {
        await using var host = await ApiHost.StartAsync();
        var client = await host.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        await client.JoinAsync("R", null, T0);
        var queue = host.Get<EngineWriteQueue>();
        var gate = host.Get<ApiWriteGate>();

        // A registration is in the writer's hands (not committed) when the order for that member is checked.
        Task<(int Status, JsonNode? Body)> register, order;
        await using (await HoldAsync(gate))
        {
            var before = queue.Submitted;
            register = client.PostAsync("/api/v1/members", new { memberId = "p1", referrerId = "R", registeredAt = T0.AddMinutes(30) });
            await WaitUntilAsync(() => queue.Submitted == before + 1 && queue.Queued == 0);
            order = client.PostAsync("/api/v1/orders", new { orderId = "op1", memberId = "p1", kind = "pack", packCode = "GP499", paidAt = T0.AddMinutes(31) });
            await WaitUntilAsync(() => queue.Queued == 1); // the order's check found no p1 and waits behind the registration
            Assert.False(register.IsCompleted || order.IsCompleted);
        }
        Assert.Equal(201, (await register).Status);
        var (status, body) = await order;
        Assert.True(status == 201, body?.ToJsonString());
        Assert.True((bool)body!["qualifying"]!);

        // The same for a refund of an order still in the queue.
        Task<(int Status, JsonNode? Body)> pay, refund;
        await using (await HoldAsync(gate))
        {
            var before = queue.Submitted;
            pay = client.PostAsync("/api/v1/orders", new { orderId = "rt1", memberId = "R", kind = "retail", amountFen = 5000, paidAt = T0.AddHours(1) });
            await WaitUntilAsync(() => queue.Submitted == before + 1 && queue.Queued == 0);
            refund = client.PostAsync("/api/v1/orders/rt1/refund", new { refundedAt = T0.AddHours(2) });
            await WaitUntilAsync(() => queue.Queued == 1);
        }
        Assert.Equal(201, (await pay).Status);
        Assert.Equal(201, (await refund).Status);

        // Nothing queued ahead: an unknown member is still 422 and an unknown order still 404.
        var (s422, p422) = await client.PostAsync("/api/v1/orders", new { orderId = "ox", memberId = "nobody", kind = "retail", amountFen = 1, paidAt = T0.AddHours(3) });
        Assert.Equal(422, s422);
        Assert.Equal("memberId", (string?)p422!["field"]);
        Assert.Equal(404, (await client.PostAsync("/api/v1/orders/nothing/refund", new { refundedAt = T0.AddHours(3) })).Status);
    }

    private sealed class Held(TaskCompletionSource release, Task holder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            release.TrySetResult();
            await holder;
        }
    }

    /// <summary>Holds the API write gate (as a pack write would), so the writer's next batch waits for it.</summary>
    private static async Task<Held> HoldAsync(ApiWriteGate gate)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = gate.RunAsync(async () => { held.SetResult(); await release.Task; return 0; }, CancellationToken.None);
        await held.Task;
        return new Held(release, holder);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(5, timeout.Token);
    }

    private static async Task<string> SnapshotAsync(ApiHost h)
    {
        await using var db = await h.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        var ext = await db.Members.ToDictionaryAsync(m => m.Id, m => m.ExternalId);
        string? X(long? id) => id is long v ? ext[v] : null;
        var members = (await db.Members.OrderBy(m => m.Id).ToListAsync()).Select(m =>
            $"{m.ExternalId} {m.Rank} q{m.QualifiedReferrals} t{m.TeamSize}/{m.TeamAgents}/{m.TeamPartners} led{m.LedAgents} leader={X(m.LeaderId)} peer={X(m.PeerBeneficiaryId)}");
        var entries = (await db.LedgerEntries.OrderBy(e => e.Id).ToListAsync()).Select(e =>
            $"{e.Id} {X(e.BeneficiaryId)} {e.Kind} {e.Status} {e.AmountFen} {e.SettlesOn} {e.IdempotencyKey}");
        var ranks = (await db.MemberRankChanges.OrderBy(c => c.Id).ToListAsync()).Select(c => $"{X(c.MemberId)} {c.FromRank}->{c.ToRank} {c.Reason}");
        var orders = (await db.Orders.OrderBy(o => o.Id).ToListAsync()).Select(o => $"{o.ExternalId} {o.PriceFen} {o.IsQualifying} {o.PaidAt:O}");
        var packs = await db.GiftPacks.OrderBy(p => p.Id).Select(p => p.Code + " " + p.SoldCount).ToListAsync();
        return string.Join("\n", members.Concat(entries).Concat(ranks).Concat(orders).Concat(packs));
    }
}
