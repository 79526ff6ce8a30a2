using System.Globalization;
using System.Text;
using LianDong.Domain.Engine;
using LianDong.Domain.Members;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>
/// The engine's per-batch unit of work (ADR 0070): a batch must write exactly the rows that the same events applied one
/// per call write, events in a batch must see each other's effects, and a failing event must leave nothing behind.
/// The comparison is over every column of every table the engine writes, read with plain SQL.
/// </summary>
public class EngineUnitOfWorkTests
{
    private static readonly string[] EngineTables =
    [
        "Members", "MemberRankChanges", "GiftPacks", "Orders", "ChannelTasks", "LedgerEntries", "LedgerStatusChanges",
        "WithheldRewards", "SupportFundMovements", "AuditLog",
    ];

    /// <summary>Every row of every engine table, every column with its SQLite storage class, in id order.</summary>
    private static async Task<string> DumpAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var c = db.Database.GetDbConnection();
        await c.OpenAsync();
        var sb = new StringBuilder();
        foreach (var table in EngineTables)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\" ORDER BY \"Id\"";
            await using var r = await cmd.ExecuteReaderAsync();
            sb.Append("## ").Append(table).Append('\n');
            while (await r.ReadAsync())
            {
                for (var i = 0; i < r.FieldCount; i++)
                {
                    var v = r.GetValue(i);
                    sb.Append(r.GetName(i)).Append('=').Append(v is DBNull ? "NULL" : $"{v.GetType().Name}:{Convert.ToString(v, CultureInfo.InvariantCulture)}").Append(' ');
                }
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    private static async Task<int> RowsAsync(EngineTestHost h, string table)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        var c = db.Database.GetDbConnection();
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM \"{table}\""; // table names from the fixed list above
        return Convert.ToInt32(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// Registrations, pack and retail orders, refunds (some of orders in the same stretch), appointments and
    /// re-deliveries of earlier events, in time order; a member's order usually follows its registration closely.
    /// </summary>
    private static List<EngineEvent> Stream(int members, int seed, string prefix, DateTimeOffset start, IReadOnlyList<string>? referrers = null)
    {
        var rng = new Random(seed);
        var t = start;
        var events = new List<EngineEvent>();
        var names = new List<string>(referrers ?? []);
        var paid = new List<string>();
        for (var i = 0; i < members; i++)
        {
            t = t.AddSeconds(rng.Next(1, 90));
            var name = $"{prefix}{i}";
            var referrer = names.Count == 0 ? null : names[rng.Next(Math.Max(0, names.Count - 40), names.Count)];
            events.Add(new RegisterMember(name, referrer, t, $"name {name}", $"138{i:D8}"));
            names.Add(name);
            if (rng.Next(10) < 7) { events.Add(new PayPackOrder($"{prefix}o{i}", name, "GP499", t.AddSeconds(1))); paid.Add($"{prefix}o{i}"); }
            if (rng.Next(10) < 4) events.Add(new PayRetailOrder($"{prefix}r{i}", names[rng.Next(names.Count)], rng.Next(1, 50000), t.AddSeconds(2)));
            if (rng.Next(25) == 0 && paid.Count > 0) events.Add(new RefundOrder(paid[rng.Next(Math.Max(0, paid.Count - 5), paid.Count)], t.AddSeconds(3)));
            if (rng.Next(60) == 0) events.Add(new AppointPartner(names[rng.Next(names.Count)], "admin", t.AddSeconds(4)));
            if (rng.Next(30) == 0) events.Add(events[rng.Next(events.Count)]); // a re-delivery: AlreadyApplied
        }
        return events;
    }

    private static async Task<List<ApplyOutcome>> OnePerCallAsync(EngineTestHost h, IEnumerable<EngineEvent> events)
    {
        var outcomes = new List<ApplyOutcome>();
        foreach (var e in events) outcomes.Add(await h.Engine.ApplyAsync(e));
        return outcomes;
    }

    private static async Task<List<ApplyOutcome>> BatchedAsync(EngineTestHost h, IEnumerable<EngineEvent> events, int size)
    {
        var outcomes = new List<ApplyOutcome>();
        foreach (var chunk in events.Chunk(size)) outcomes.AddRange(await h.Engine.ApplyBatchAsync(chunk));
        return outcomes;
    }

    [Fact]
    public async Task Batches_of_dependent_events_write_the_same_rows_as_one_event_per_call()
    {
        var start = EngineTestHost.Start.AddHours(1);
        var first = Stream(260, 11, "a", start);
        await using var single = await EngineTestHost.CreateAsync();
        await using var batched = await EngineTestHost.CreateAsync();

        Assert.Equal(await OnePerCallAsync(single, first), await BatchedAsync(batched, first, 97));
        Assert.Equal(await DumpAsync(single), await DumpAsync(batched));

        // Settle and expire: later refunds then meet Available entries (clawbacks) and Forfeited ones (take-backs).
        var nightlyDate = PlatformTime.LocalDate(first[^1].At).AddDays(40);
        await single.NightlyAsync(nightlyDate);
        await batched.NightlyAsync(nightlyDate);

        var later = PlatformTime.EndOfLocalDay(nightlyDate).AddHours(1);
        var rng = new Random(5);
        var second = new List<EngineEvent>();
        foreach (var e in first.OfType<PayPackOrder>().Where(_ => rng.Next(4) == 0)) second.Add(new RefundOrder(e.OrderId, later));
        second.AddRange(Stream(120, 12, "b", later.AddMinutes(1), first.OfType<RegisterMember>().Select(r => r.MemberId).ToList()));
        // In one batch: a member registers, pays, is refunded, pays again under another order, and refers someone who pays.
        var t = later.AddDays(1);
        second.AddRange(
        [
            new RegisterMember("c1", "a3", t), new PayPackOrder("c1o1", "c1", "GP499", t.AddSeconds(1)),
            new RefundOrder("c1o1", t.AddSeconds(2)), new PayPackOrder("c1o2", "c1", "GP499", t.AddSeconds(3)),
            new RegisterMember("c2", "c1", t.AddSeconds(4)), new PayPackOrder("c2o1", "c2", "GP499", t.AddSeconds(5)),
            new PayRetailOrder("c2r1", "c2", 12345, t.AddSeconds(6)), new AppointPartner("c1", "admin", t.AddSeconds(7)),
            new RegisterMember("c3", "c1", t.AddSeconds(8)), new PayPackOrder("c3o1", "c3", "GP499", t.AddSeconds(9)),
            new RefundOrder("c2o1", t.AddSeconds(10)), new RefundOrder("c2o1", t.AddSeconds(11)),
        ]);

        var singleOutcomes = await OnePerCallAsync(single, second);
        var batchedOutcomes = await BatchedAsync(batched, second, 400);
        Assert.Equal(singleOutcomes, batchedOutcomes);
        Assert.Contains(ApplyOutcome.AlreadyApplied, batchedOutcomes);

        var dump = await DumpAsync(batched);
        Assert.Equal(await DumpAsync(single), dump);
        Assert.Empty(await batched.Members.VerifyTeamCountersAsync());
        // The stream reached every kind of row the engine writes.
        foreach (var table in EngineTables) Assert.True(await RowsAsync(batched, table) > 0, $"no {table} rows");
        Assert.Contains("clawback:", dump);
    }

    [Fact]
    public async Task A_later_event_in_a_batch_sees_the_earlier_ones()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var t = EngineTestHost.Start.AddHours(1);
        var outcomes = await h.Engine.ApplyBatchAsync(
        [
            new RegisterMember("A", null, t), new PayPackOrder("oA", "A", "GP499", t.AddMinutes(1)),
            new RegisterMember("B", "A", t.AddMinutes(2)), new PayPackOrder("oB", "B", "GP499", t.AddMinutes(3)),
            new RegisterMember("C", "A", t.AddMinutes(4)), new PayPackOrder("oC", "C", "GP499", t.AddMinutes(5)),
            new RegisterMember("B", "A", t.AddMinutes(2)), new PayPackOrder("oB", "B", "GP499", t.AddMinutes(3)),
            new RefundOrder("oC", t.AddMinutes(6)),
        ]);
        Assert.Equal(
            [ApplyOutcome.Applied, ApplyOutcome.Applied, ApplyOutcome.Applied, ApplyOutcome.Applied, ApplyOutcome.Applied,
             ApplyOutcome.Applied, ApplyOutcome.AlreadyApplied, ApplyOutcome.AlreadyApplied, ApplyOutcome.Applied], outcomes);
        var a = (await h.Members.FindAsync("A"))!;
        var c = (await h.Members.FindAsync("C"))!;
        // B and C counted for A, which became a Partner; C's refund took C's count back and made C a Member again.
        Assert.Equal(MemberRank.Partner, a.Rank);
        Assert.Equal(1, a.QualifiedReferrals);
        Assert.Equal(MemberRank.Member, c.Rank);
        Assert.Equal(2, a.TeamSize);
        Assert.Empty(await h.Members.VerifyTeamCountersAsync());
    }

    [Fact]
    public async Task A_failing_event_rolls_the_whole_batch_back_and_leaks_nothing_into_the_next()
    {
        var t = EngineTestHost.Start.AddHours(1);
        await using var h = await EngineTestHost.CreateAsync();
        await using var reference = await EngineTestHost.CreateAsync();
        EngineEvent[] setup = [new RegisterMember("A", null, t), new PayPackOrder("oA", "A", "GP499", t.AddMinutes(1))];
        await h.Engine.ApplyBatchAsync(setup);
        await reference.Engine.ApplyBatchAsync(setup);
        var before = await DumpAsync(h);

        EngineEvent[] good =
        [
            new RegisterMember("B", "A", t.AddMinutes(2)), new PayPackOrder("oB", "B", "GP499", t.AddMinutes(3)),
            new PayRetailOrder("rB", "B", 5000, t.AddMinutes(4)), new RegisterMember("C", "B", t.AddMinutes(5)),
            new PayPackOrder("oC", "C", "GP499", t.AddMinutes(6)), new RefundOrder("oB", t.AddMinutes(7)),
        ];
        EngineEvent[] withUnknownReferrer = [.. good[..4], new RegisterMember("D", "nobody", t.AddMinutes(5)), .. good[4..]];
        EngineEvent[] withConflict = [.. good, new PayRetailOrder("rB", "B", 5001, t.AddMinutes(4))];
        EngineEvent[] withBadAmount = [.. good[..2], new PayRetailOrder("rX", "B", 0, t.AddMinutes(4)), .. good[2..]];

        await Assert.ThrowsAsync<UnknownReferenceException>(() => h.Engine.ApplyBatchAsync(withUnknownReferrer));
        Assert.Equal(before, await DumpAsync(h));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => h.Engine.ApplyBatchAsync(withConflict));
        Assert.Equal(before, await DumpAsync(h));
        await Assert.ThrowsAsync<EngineRuleException>(() => h.Engine.ApplyBatchAsync(withBadAmount));
        Assert.Equal(before, await DumpAsync(h));

        // The same events without the bad one: applied as if the failed batches never ran (same ids, same rows).
        Assert.All(await h.Engine.ApplyBatchAsync(good), o => Assert.Equal(ApplyOutcome.Applied, o));
        foreach (var e in good) await reference.Engine.ApplyAsync(e);
        Assert.Equal(await DumpAsync(reference), await DumpAsync(h));
        Assert.Empty(await h.Members.VerifyTeamCountersAsync());
    }
}
