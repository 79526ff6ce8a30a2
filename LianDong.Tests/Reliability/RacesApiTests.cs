using System.Diagnostics;
using System.Text.Json.Nodes;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LianDong.Tests.Reliability;

/// <summary>
/// Issue 8, races: 220 storefront writes at once over HTTP (test host), mixing new members, orders for the same few
/// referrers, refunds of orders still in flight, one order id sent six times (same and different content) and one
/// member id registered five times. Only documented status codes; every 2xx is stored exactly once; refused copies
/// changed nothing; the invariants hold; and applying the accepted requests one by one on a fresh console gives the
/// same ledger, tree and orders.
/// </summary>
public class RacesApiTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private const int Referrers = 3, Prepared = 60, Refunds = 20, NewMembers = 40, DupOrders = 5, DupMembers = 5, Retail = 10;

    private sealed record Call(string Kind, string Id, string Url, JsonObject Body);

    private static readonly IReadOnlyDictionary<string, int[]> Documented = new Dictionary<string, int[]>
    {
        ["member"] = [200, 201, 409, 422],
        ["order"] = [200, 201, 409, 422],
        ["refund"] = [200, 201, 404, 422],
    };

    /// <summary>
    /// root; three referrers R1..R3, each made a Partner by two qualified referrals (so every later order's rewards
    /// are the same whatever the order of arrival); 60 registered members waiting to pay.
    /// </summary>
    private static async Task PrepareAsync(HttpClient client)
    {
        await client.PutPackAsync("GP499", "M1");
        await client.JoinAsync("root", null, T0);
        for (var r = 1; r <= Referrers; r++)
        {
            await client.JoinAsync($"R{r}", "root", T0.AddMinutes(r));
            await client.JoinAsync($"s{r}a", $"R{r}", T0.AddMinutes(10 + r));
            await client.JoinAsync($"s{r}b", $"R{r}", T0.AddMinutes(20 + r));
        }
        for (var k = 0; k < Prepared; k++)
        {
            var (s, b) = await client.PostAsync("/api/v1/members", new { memberId = $"p{k}", referrerId = $"R{k % Referrers + 1}", registeredAt = T0.AddMinutes(30) });
            Assert.True(s == 201, b?.ToJsonString());
        }
    }

    private static JsonObject PackOrder(string orderId, string member, DateTimeOffset at) =>
        new() { ["orderId"] = orderId, ["memberId"] = member, ["kind"] = "pack", ["packCode"] = "GP499", ["paidAt"] = at.ToString("O") };

    private static JsonObject Registration(string member, string referrer, DateTimeOffset at) =>
        new() { ["memberId"] = member, ["referrerId"] = referrer, ["registeredAt"] = at.ToString("O") };

    private static List<Call> Workload(Random random)
    {
        var calls = new List<Call>();
        var t = T0.AddHours(1);
        for (var k = 0; k < Prepared; k++) calls.Add(new("order", $"op{k}", "/api/v1/orders", PackOrder($"op{k}", $"p{k}", t.AddSeconds(k))));
        for (var k = 0; k < Refunds; k++)
            calls.Add(new("refund", $"op{k}", $"/api/v1/orders/op{k}/refund", new JsonObject { ["refundedAt"] = T0.AddHours(3).ToString("O") }));
        for (var k = 0; k < NewMembers; k++)
        {
            calls.Add(new("member", $"n{k}", "/api/v1/members", Registration($"n{k}", $"R{k % Referrers + 1}", t.AddMinutes(5))));
            calls.Add(new("order", $"on{k}", "/api/v1/orders", PackOrder($"on{k}", $"n{k}", t.AddMinutes(6).AddSeconds(k))));
        }
        // The same order id six times: four identical copies and two with another payment time.
        for (var k = Prepared - DupOrders; k < Prepared; k++)
        {
            for (var c = 0; c < 3; c++) calls.Add(new("order", $"op{k}", "/api/v1/orders", PackOrder($"op{k}", $"p{k}", t.AddSeconds(k))));
            for (var c = 1; c <= 2; c++) calls.Add(new("order", $"op{k}", "/api/v1/orders", PackOrder($"op{k}", $"p{k}", t.AddSeconds(k).AddMinutes(c))));
        }
        // The same member id five times: four identical, one under another referrer.
        for (var k = 0; k < DupMembers; k++)
        {
            for (var c = 0; c < 4; c++) calls.Add(new("member", $"d{k}", "/api/v1/members", Registration($"d{k}", "R1", t.AddMinutes(7))));
            calls.Add(new("member", $"d{k}", "/api/v1/members", Registration($"d{k}", "R2", t.AddMinutes(7))));
        }
        for (var k = 0; k < Retail; k++)
            calls.Add(new("order", $"or{k}", "/api/v1/orders", new JsonObject
            {
                ["orderId"] = $"or{k}", ["memberId"] = $"s{k % Referrers + 1}{(k % 2 == 0 ? "a" : "b")}", ["kind"] = "retail", ["amountFen"] = 12900 + k,
                ["paidAt"] = t.AddMinutes(8).ToString("O"),
            }));
        return calls.OrderBy(_ => random.Next()).ToList();
    }

    [Fact]
    public async Task Concurrent_api_writes_store_each_accepted_request_once_and_match_a_serial_run()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["Api:RateLimit:PermitsPerMinute"] = "1000000" });
        using var client = await host.ClientAsync();
        await PrepareAsync(client);

        var calls = Workload(new Random(20261122));
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(calls.Select(async c =>
        {
            await Task.Yield();
            var (status, body) = await client.PostAsync(c.Url, c.Body.ToJsonString());
            return (Call: c, Status: status, Body: body);
        }));
        watch.Stop();

        var failures = new List<string>();
        foreach (var r in results.Where(r => !Documented[r.Call.Kind].Contains(r.Status)))
            failures.Add($"{r.Call.Kind} {r.Call.Id}: undocumented {r.Status} {r.Body?.ToJsonString()}");
        // A 4xx answer is a problem document naming its status.
        foreach (var r in results.Where(r => r.Status >= 400 && (int?)r.Body?["status"] != r.Status))
            failures.Add($"{r.Call.Kind} {r.Call.Id}: {r.Status} without a problem document");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Per id: exactly one 201 (the winner); other copies are 200 with the winner's answer when equal, 409 when not.
        var winners = new Dictionary<(string, string), Call>();
        foreach (var g in results.Where(r => r.Call.Kind != "refund").GroupBy(r => (r.Call.Kind, r.Call.Id)))
        {
            var created = g.Where(r => r.Status == 201).ToList();
            if (created.Count == 0)
            {
                // Only an order whose member was not registered yet may fail as a whole (422), never a copy of a stored one.
                Assert.True(g.All(r => r.Status == 422), $"{g.Key}: no 201 among {string.Join(",", g.Select(r => r.Status))}");
                continue;
            }
            Assert.Single(created);
            var winner = created[0];
            winners[g.Key] = winner.Call;
            foreach (var other in g.Where(r => r.Status != 201))
            {
                var same = JsonNode.DeepEquals(other.Call.Body, winner.Call.Body);
                Assert.True(same ? other.Status == 200 : other.Status == 409, $"{g.Key}: copy answered {other.Status} (same content: {same})");
                if (same) Assert.Equal(winner.Body!.ToJsonString(), other.Body!.ToJsonString());
            }
        }
        var refunds = results.Where(r => r.Call.Kind == "refund").ToList();
        foreach (var r in refunds.Where(r => r.Status == 422)) failures.Add($"refund {r.Call.Id}: 422 {r.Body?.ToJsonString()}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Every 2xx is stored exactly once, with the winner's content; refused copies left nothing.
        await using (var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
        {
            foreach (var ((kind, id), call) in winners)
            {
                if (kind == "member")
                {
                    var stored = await db.Members.Where(m => m.ExternalId == id)
                        .Select(m => db.Members.Where(x => x.Id == m.ReferrerId).Select(x => x.ExternalId).First()).ToListAsync();
                    Assert.Equal([(string)call.Body["referrerId"]!], stored);
                }
                else
                {
                    var stored = await db.Orders.Where(o => o.ExternalId == id).Select(o => o.PaidAt).ToListAsync();
                    Assert.Single(stored);
                    Assert.Equal(DateTimeOffset.Parse((string)call.Body["paidAt"]!), stored[0]);
                }
            }
            var orderIds = results.Where(r => r.Call.Kind == "order").Select(r => r.Call.Id).Distinct().ToList();
            Assert.Equal(winners.Keys.Count(k => k.Item1 == "order"), await db.Orders.CountAsync(o => orderIds.Contains(o.ExternalId)));
            foreach (var r in refunds)
            {
                var refundedAt = await db.Orders.Where(o => o.ExternalId == r.Call.Id).Select(o => o.RefundedAt).SingleOrDefaultAsync();
                Assert.Equal(r.Status is 200 or 201, refundedAt is not null);
                if (r.Status != 201) continue;
                var cancelled = r.Body!["cancelledEntryIds"]!.AsArray().Select(x => (long)x!).Order().ToList();
                var now = await db.LedgerEntries.Where(e => db.Orders.Any(o => o.Id == e.OrderId && o.ExternalId == r.Call.Id)).Select(e => e.Id).ToListAsync();
                Assert.Equal(now.Order(), cancelled);
            }
            // Every entry of a race order is one some 201 answer reported, and no answer reported one twice.
            var reported = results.Where(r => r.Call.Kind == "order" && r.Status == 201).SelectMany(r => r.Body!["entries"]!.AsArray()).Select(e => (long)e!["entryId"]!).ToList();
            Assert.Equal(reported.Count, reported.Distinct().Count());
            var stored2 = await db.LedgerEntries.Where(e => db.Orders.Any(o => o.Id == e.OrderId && orderIds.Contains(o.ExternalId))).Select(e => e.Id).ToListAsync();
            Assert.Equal(stored2.Order(), reported.Order());
        }

        // Balances the API reports are the sums of the ledger.
        foreach (var r in new[] { "R1", "R2", "R3", "root" })
        {
            var member = (await client.GetAsync2($"/api/v1/members/{r}")).Body!;
            var balances = await host.Get<LianDong.Domain.Ledger.LedgerService>().GetBalancesAsync((await host.Get<LianDong.Domain.Members.MemberQueryService>().FindAsync(r))!.Id);
            Assert.Equal((balances.PendingFen, balances.FrozenFen, balances.AvailableFen, balances.PaidFen),
                ((long)member["pendingFen"]!, (long)member["frozenFen"]!, (long)member["availableFen"]!, (long)member["paidFen"]!));
        }

        var figures = await InvariantChecks.AssertAllAsync(host.Database.FilePath);
        var byStatus = string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}×{g.Key}"));
        output.WriteLine($"API race: {calls.Count} requests at once ({results.Count(r => r.Call.Kind == "member")} registrations, " +
                         $"{results.Count(r => r.Call.Kind == "order")} orders, {refunds.Count} refunds) in {watch.Elapsed.TotalSeconds:N1} s: {byStatus}; invariants held over {figures}");

        // The same accepted requests, one at a time, on a fresh console: the same ledger, tree and orders.
        await using var serial = await ApiHost.StartAsync(new Dictionary<string, string> { ["Api:RateLimit:PermitsPerMinute"] = "1000000" });
        using var serialClient = await serial.ClientAsync();
        await PrepareAsync(serialClient);
        var accepted = winners.Values.OrderBy(c => c.Kind == "member" ? 0 : 1).ToList();
        accepted.AddRange(refunds.Where(r => r.Status is 200 or 201).Select(r => r.Call).DistinctBy(c => c.Id));
        foreach (var c in accepted)
        {
            var (s, b) = await serialClient.PostAsync(c.Url, c.Body.ToJsonString());
            Assert.True(s == 201, $"serial {c.Kind} {c.Id}: {s} {b?.ToJsonString()}");
        }
        await InvariantChecks.AssertAllAsync(serial.Database.FilePath);
        Assert.Equal(await Snapshot(serial), await Snapshot(host));
        output.WriteLine($"serial run of the {accepted.Count} accepted requests: same ledger, tree and orders");
    }

    /// <summary>The database's meaning without its row ids: members, orders and ledger entries by external ids.</summary>
    private static async Task<string> Snapshot(ApiHost host)
    {
        await using var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        var names = await db.Members.ToDictionaryAsync(m => m.Id, m => m.ExternalId);
        string N(long? id) => id is long i ? names[i] : "-";
        var members = (await db.Members.AsNoTracking().ToListAsync())
            .Select(m => $"{m.ExternalId} ref={N(m.ReferrerId)} {m.Rank} leader={N(m.LeaderId)} q={m.QualifiedReferrals} team={m.TeamSize}/{m.TeamAgents}/{m.TeamPartners}/{m.LedAgents}")
            .Order(StringComparer.Ordinal);
        var orders = await db.Orders.AsNoTracking().ToDictionaryAsync(o => o.Id);
        var orderLines = orders.Values.Select(o => $"{o.ExternalId} {N(o.MemberId)} {o.Kind} {o.PriceFen} {o.PaidAt:O} q={o.IsQualifying} refunded={o.RefundedAt:O} counted={N(o.CountedForMemberId)}")
            .Order(StringComparer.Ordinal);
        var entries = (await db.LedgerEntries.AsNoTracking().ToListAsync())
            .Select(e => $"{N(e.BeneficiaryId)} {(e.OrderId is long o ? orders[o].ExternalId : "-")} {e.Kind} {e.AmountFen} {e.Status} {e.SettlesOn:yyyy-MM-dd}")
            .Order(StringComparer.Ordinal);
        return string.Join("\n", members.Concat(orderLines).Concat(entries));
    }
}
