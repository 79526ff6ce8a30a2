using System.Diagnostics;
using LianDong.Domain.Engine;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LianDong.Tests.Persistence;

public class BatchIngestTests(ITestOutputHelper output)
{
    /// <summary>A random tree of registrations, pack orders, retail orders and refunds, in time order.</summary>
    private static List<EngineEvent> RandomStream(int members, int seed)
    {
        var rng = new Random(seed);
        var t = EngineTestHost.Start.AddHours(1);
        var events = new List<EngineEvent>();
        var paid = new List<string>();
        for (var i = 0; i < members; i++)
        {
            t = t.AddSeconds(rng.Next(1, 60));
            var name = $"m{i}";
            events.Add(new RegisterMember(name, i == 0 ? null : $"m{rng.Next(Math.Max(0, i - 50), i)}", t));
            if (rng.Next(10) < 7) { events.Add(new PayPackOrder($"o{i}", name, "GP499", t)); paid.Add($"o{i}"); }
            if (rng.Next(10) < 3) events.Add(new PayRetailOrder($"r{i}", name, rng.Next(1, 50000), t));
            if (rng.Next(50) == 0 && paid.Count > 0) events.Add(new RefundOrder(paid[rng.Next(paid.Count)], t));
            if (rng.Next(200) == 0) events.Add(new AppointPartner(name, "admin", t));
        }
        return events;
    }

    private static async Task<string> LedgerAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var entries = await db.LedgerEntries.OrderBy(e => e.IdempotencyKey).Select(e => $"{e.IdempotencyKey}={e.AmountFen}:{e.Status}").ToListAsync();
        var members = await db.Members.OrderBy(m => m.Id).Select(m => $"{m.ExternalId}:{m.Rank}:{m.LeaderId}:{m.QualifiedReferrals}:{m.TeamSize}:{m.TeamAgents}:{m.TeamPartners}").ToListAsync();
        return string.Join("\n", entries.Concat(members));
    }

    [Fact]
    public async Task Batched_ingest_gives_the_same_ledger_as_one_event_per_transaction()
    {
        var events = RandomStream(600, 7);
        await using var single = await EngineTestHost.CreateAsync();
        await using var batched = await EngineTestHost.CreateAsync();
        single.Clock.Now = batched.Clock.Now = events[^1].At.AddDays(1);

        var sw = Stopwatch.StartNew();
        foreach (var e in events) await single.Engine.ApplyAsync(e);
        var singleSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        foreach (var chunk in events.Chunk(250)) await batched.Engine.ApplyBatchAsync(chunk);
        var batchSeconds = sw.Elapsed.TotalSeconds;
        output.WriteLine($"{events.Count} events: one per transaction {events.Count / singleSeconds:F0}/s, batches of 250 {events.Count / batchSeconds:F0}/s");

        Assert.Equal(await LedgerAsync(single), await LedgerAsync(batched));
        Assert.Empty(await batched.Members.VerifyTeamCountersAsync());
    }
}
