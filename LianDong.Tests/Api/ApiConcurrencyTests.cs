using System.Text.Json.Nodes;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Api;

public class ApiConcurrencyTests
{
    [Fact]
    public async Task Parallel_orders_upgrade_the_referrer_once_and_never_post_twice()
    {
        await using var host = await ApiHost.StartAsync();
        var client = await host.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        var t0 = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
        await client.JoinAsync("R", null, t0);
        const int n = 50;
        for (var i = 0; i < n; i++)
            Assert.Equal(201, (await client.PostAsync("/api/v1/members", new { memberId = $"m{i}", referrerId = "R", registeredAt = t0.AddMinutes(10) })).Status);

        // 50 qualifying orders (each one raises R's count; the second crosses the upgrade threshold)
        // and 12 more deliveries of m0's order, all at once.
        object Order(int i) => new { orderId = $"o-m{i}", memberId = $"m{i}", kind = "pack", packCode = "GP499", paidAt = t0.AddMinutes(20 + i) };
        var requests = Enumerable.Range(0, n).Select(i => (Id: $"o-m{i}", Body: Order(i)))
            .Concat(Enumerable.Range(0, 12).Select(_ => (Id: "o-m0", Body: Order(0))))
            .OrderBy(_ => Random.Shared.Next()).ToList();
        var results = await Task.WhenAll(requests.Select(async r => (r.Id, Result: await client.PostAsync("/api/v1/orders", r.Body))));

        Assert.All(results, r => Assert.True(r.Result.Status is 200 or 201, r.Result.Body?.ToJsonString()));
        Assert.Equal(n, results.Count(r => r.Result.Status == 201));
        var m0 = results.Where(r => r.Id == "o-m0").ToList();
        Assert.Single(m0, r => r.Result.Status == 201);
        Assert.Single(m0.Select(r => r.Result.Body!.ToJsonString()).Distinct());

        // R became a Partner exactly once, through one of the orders.
        var upgrades = results.Where(r => r.Result.Status == 201)
            .SelectMany(r => r.Result.Body!["rankChanges"]!.AsArray())
            .Where(c => (string?)c!["memberId"] == "R").ToList();
        Assert.Single(upgrades);
        Assert.Equal("partner", (string?)upgrades[0]!["toRank"]);

        await using var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        var r = await db.Members.SingleAsync(m => m.ExternalId == "R");
        Assert.Equal(MemberRank.Partner, r.Rank);
        Assert.Equal(1, await db.MemberRankChanges.CountAsync(c => c.MemberId == r.Id && c.ToRank == MemberRank.Partner));
        Assert.Equal(n + 1, await db.Orders.CountAsync());
        Assert.Equal(n, await db.LedgerEntries.Where(e => e.BeneficiaryId == r.Id && e.Kind == EntryKind.Direct).Select(e => e.OrderId).Distinct().CountAsync());
        // Every entry in the ledger for these orders is one some 201 answer reported, and no answer reported one twice.
        var reported = results.Where(x => x.Result.Status == 201).SelectMany(x => x.Result.Body!["entries"]!.AsArray()).Select(e => (long)e!["entryId"]!).ToList();
        Assert.Equal(reported.Count, reported.Distinct().Count());
        var stored = await db.LedgerEntries.Where(e => db.Orders.Any(o => o.Id == e.OrderId && o.ExternalId.StartsWith("o-m"))).Select(e => e.Id).ToListAsync();
        Assert.Equal(stored.Order(), reported.Order());
        var keys = await db.LedgerEntries.AsNoTracking().Select(e => e.IdempotencyKey).ToListAsync();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(n + 1, await db.GiftPacks.Where(p => p.Code == "GP499").Select(p => p.SoldCount).SingleAsync());

        // The balances the API reports are the sums of the ledger.
        var member = (await client.GetAsync2("/api/v1/members/R")).Body!;
        var sum = await db.LedgerEntries.Where(e => e.BeneficiaryId == r.Id && (e.Status == EntryStatus.Pending || e.Status == EntryStatus.Frozen))
            .SumAsync(e => e.AmountFen);
        Assert.Equal(sum, (long)member["pendingFen"]! + (long)member["frozenFen"]!);
        Assert.Equal("partner", (string?)member["rank"]);
    }
}
