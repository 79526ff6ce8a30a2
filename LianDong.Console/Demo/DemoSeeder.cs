using System.Diagnostics;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Members;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Packs;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Demo;

public sealed record DemoSeedReport(int Members, int Events, int NightlyRuns, int Agents, int Partners, long LedgerEntries, TimeSpan Took);

/// <summary>How far seeding is: events applied of all planned, and the day reached of all days.</summary>
public sealed record DemoSeedProgress(int EventsApplied, int Events, int Day, int Days);

/// <summary>
/// Fills an empty database with <see cref="DemoPlan"/>'s history through the engine's own services (rule sets by
/// RuleSetService, packs by PackService, every member and order by RewardEngineService.ApplyBatchAsync, the past
/// nights by NightlyRunService), never by writing engine rows around them. The services run on a clock that moves
/// through the 60 days, so publishing, postings and each night's run happen "at the time". Merchants have no engine
/// service: they are inserted with their audit entry, as the Merchants page does.
/// </summary>
public sealed class DemoSeeder(ILogger log)
{
    public const string Actor = "system:seed-demo";
    private const int BatchSize = 400;

    private sealed class MovingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>True when the database holds no members, merchants, packs or rule sets (a first run).</summary>
    public static async Task<bool> IsEmptyAsync(IDbContextFactory<LianDongDbContext> dbs, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return !await db.Members.AnyAsync(ct) && !await db.Merchants.AnyAsync(ct)
            && !await db.GiftPacks.AnyAsync(ct) && !await db.RuleSets.AnyAsync(ct);
    }

    /// <summary>Seeds <paramref name="members"/> members whose history ends at <paramref name="now"/>. The database must be migrated and empty.</summary>
    public async Task<DemoSeedReport> SeedAsync(string connectionString, int members, DateTimeOffset now, CancellationToken ct = default,
        IProgress<DemoSeedProgress>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var today = PlatformTime.LocalDate(now);
        var firstDay = today.AddDays(-DemoPlan.Days);
        var start = PlatformTime.EndOfLocalDay(firstDay.AddDays(-1)).AddHours(9); // 09:00 local on the first day
        var clock = new MovingClock(start.AddMinutes(-5));
        await using var sp = new ServiceCollection()
            .AddLianDongPersistence(connectionString)
            .AddSingleton<TimeProvider>(clock)
            .AddLianDongEngine()
            .BuildServiceProvider();
        var dbs = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        if (!await IsEmptyAsync(dbs, ct))
            throw new InvalidOperationException("the database already has data; demo data goes only into an empty database");

        // Rule set v1 from the first morning; v2 a month later (a little more retail commission, a larger freeze).
        var ruleSets = sp.GetRequiredService<RuleSetService>();
        await ruleSets.PublishAsync(RuleParameters.Defaults, start.AddMinutes(-5), Actor, ct);
        var v2At = PlatformTime.EndOfLocalDay(firstDay.AddDays(29));
        var v2 = RuleParameters.Defaults with { FreezePercent = 25, RetailLevel1Percent = 12 };

        var merchantIds = new Dictionary<string, long>();
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            foreach (var (code, name, contact) in DemoPlan.Merchants)
            {
                var m = new Merchant(code, name, contact, clock.Now);
                db.Merchants.Add(m);
                db.AuditLog.Add(new AuditLogEntry(clock.Now, Actor, AuditActions.MerchantCreate, "merchant:" + code, null, $"code={code}; name={name}"));
                await db.SaveChangesAsync(ct);
                merchantIds[code] = m.Id;
            }
        }
        var packs = sp.GetRequiredService<PackService>();
        foreach (var p in DemoPlan.Packs)
        {
            await packs.CreateAsync(merchantIds[p.MerchantCode], p.Code, p.Name, p.PriceFen, p.CostFen, p.Stock, ct);
            await packs.SwitchOnAsync(p.Code, Actor, ct); // refused (ComplianceViolationException) if it broke the payout limit
        }

        var plan = DemoPlan.Build(members, start, now);
        log.LogInformation("Demo data: {Members} members, {Events} events over {Days} days ({From:yyyy-MM-dd} to {To:yyyy-MM-dd})",
            members, plan.Events.Count, DemoPlan.Days, firstDay, today);
        var engine = sp.GetRequiredService<RewardEngineService>();
        var nightly = sp.GetRequiredService<NightlyRunService>();
        var byDay = plan.Events.GroupBy(e => PlatformTime.LocalDate(e.At)).ToDictionary(g => g.Key, g => g.ToList());
        var runs = 0;
        var applied = 0;
        var days = today.DayNumber - firstDay.DayNumber + 1;
        var v2Published = false;
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            ct.ThrowIfCancellationRequested();
            var dayEvents = byDay.GetValueOrDefault(day) ?? [];
            foreach (var chunk in dayEvents.Chunk(BatchSize))
            {
                if (!v2Published && chunk[^1].At >= v2At)
                {
                    // Publish v2 at its moment: apply what came before it, then publish with the clock just before.
                    var before = chunk.Where(e => e.At < v2At).ToList();
                    if (before.Count > 0) { clock.Now = before[^1].At; await engine.ApplyBatchAsync(before, ct); }
                    clock.Now = v2At.AddMinutes(-1);
                    await ruleSets.PublishAsync(v2, v2At, Actor, ct);
                    v2Published = true;
                    var after = chunk.Where(e => e.At >= v2At).ToList();
                    if (after.Count > 0) { clock.Now = after[^1].At; await engine.ApplyBatchAsync(after, ct); }
                    continue;
                }
                clock.Now = chunk[^1].At;
                await engine.ApplyBatchAsync(chunk, ct);
            }
            if (!v2Published && PlatformTime.EndOfLocalDay(day) >= v2At)
            {
                clock.Now = v2At.AddMinutes(-1);
                await ruleSets.PublishAsync(v2, v2At, Actor, ct);
                v2Published = true;
            }
            if (day < today)
            {
                // The night's run at 02:00 the next morning, as the scheduler would have done it.
                clock.Now = PlatformTime.EndOfLocalDay(day).AddHours(2);
                if (clock.Now > now) clock.Now = now;
                runs += (await nightly.RunAsync(day, Actor, ct)).Count(s => !s.AlreadyCompleted);
            }
            applied += dayEvents.Count;
            progress?.Report(new DemoSeedProgress(applied, plan.Events.Count, day.DayNumber - firstDay.DayNumber + 1, days));
            if ((day.DayNumber - firstDay.DayNumber) % 15 == 14)
                log.LogInformation("Demo data: up to {Day:yyyy-MM-dd} ({Elapsed:N0} s)", day, watch.Elapsed.TotalSeconds);
        }

        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var agents = await db.Members.CountAsync(m => m.Rank == MemberRank.Agent, ct);
            var partners = await db.Members.CountAsync(m => m.Rank == MemberRank.Partner, ct);
            var entries = await db.LedgerEntries.LongCountAsync(ct);
            var report = new DemoSeedReport(members, plan.Events.Count, runs, agents, partners, entries, watch.Elapsed);
            db.AuditLog.Add(new AuditLogEntry(now, Actor, AuditActions.DemoSeed, "demo", null,
                $"members={members}; events={plan.Events.Count}; agents={agents}; partners={partners}; entries={entries}; nightlyRuns={runs}"));
            await db.SaveChangesAsync(ct);
            log.LogInformation("Demo data done in {Seconds:N1} s: {Members} members ({Agents} agents, {Partners} partners), {Entries} ledger entries, {Runs} nightly runs",
                watch.Elapsed.TotalSeconds, members, agents, partners, entries, runs);
            return report;
        }
    }
}
