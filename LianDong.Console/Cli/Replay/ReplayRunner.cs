using System.Text;
using System.Text.Json;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Console.Cli.Replay;

/// <summary>A clock the replay moves to each event's time, so services see the scenario's "now".</summary>
internal sealed class ReplayClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class ReplayRunner
{
    public const string Actor = "replay";

    /// <param name="databasePath">Where the temporary database goes (tests pass one to check it is deleted).</param>
    public static async Task<string> RunAsync(ReplayScenario scenario, string? databasePath = null)
    {
        var path = databasePath ?? Path.Combine(Path.GetTempPath(), $"liandong-replay-{Guid.NewGuid():N}.db");
        var clock = new ReplayClock(scenario.RuleSets[0].EffectiveFrom);
        var services = new ServiceCollection()
            .AddLianDongPersistence($"Data Source={path}")
            .AddSingleton<TimeProvider>(clock)
            .AddLianDongEngine();
        try
        {
            await using var sp = services.BuildServiceProvider();
            var dbFactory = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
            await using (var db = await dbFactory.CreateDbContextAsync())
            {
                await db.Database.MigrateAsync();
                db.Merchants.Add(new Merchant("REPLAY", "Replay merchant", null, clock.Now));
                await db.SaveChangesAsync();
            }
            await SetUpAsync(sp, dbFactory, scenario);
            await ApplyAsync(sp, clock, scenario);
            return await ReportAsync(dbFactory);
        }
        finally
        {
            PersistenceServiceCollectionExtensions.ReleasePool($"Data Source={path}");
            foreach (var f in new[] { path, path + "-wal", path + "-shm" })
                try { File.Delete(f); } catch (IOException) { /* best effort: the temp folder is cleaned by the OS */ }
        }
    }

    private static async Task SetUpAsync(IServiceProvider sp, IDbContextFactory<LianDongDbContext> dbFactory, ReplayScenario scenario)
    {
        var ruleSets = sp.GetRequiredService<RuleSetService>();
        for (var i = 0; i < scenario.RuleSets.Count; i++)
        {
            try { await ruleSets.PublishAsync(scenario.RuleSets[i].Parameters, scenario.RuleSets[i].EffectiveFrom, Actor); }
            catch (EngineException ex) { throw new ReplayInputException($"ruleSets[{i}]: {ex.Message}"); }
        }
        long merchantId;
        await using (var db = await dbFactory.CreateDbContextAsync())
            merchantId = await db.Merchants.Where(m => m.Code == "REPLAY").Select(m => m.Id).FirstAsync();
        var packs = sp.GetRequiredService<PackService>();
        for (var i = 0; i < scenario.Packs.Count; i++)
        {
            var p = scenario.Packs[i];
            try
            {
                await packs.CreateAsync(merchantId, p.Code, p.Name, p.PriceFen, p.CostFen, stock: 0);
                await packs.SwitchOnAsync(p.Code, Actor);
            }
            catch (EngineException ex) { throw new ReplayInputException($"packs[{i}]: {ex.Message}"); }
        }
    }

    private static async Task ApplyAsync(IServiceProvider sp, ReplayClock clock, ReplayScenario scenario)
    {
        var engine = sp.GetRequiredService<RewardEngineService>();
        var nightly = sp.GetRequiredService<NightlyRunService>();
        foreach (var ev in scenario.Events)
        {
            clock.Now = ev.StandsAt;
            try
            {
                if (ev.NightlyDate is { } date) await nightly.RunAsync(date, Actor);
                else await engine.ApplyAsync(ev.Engine!);
            }
            catch (EngineException ex) { throw new ReplayInputException($"events[{ev.Index}]: {ex.Message}"); }
        }
    }

    private static async Task<string> ReportAsync(IDbContextFactory<LianDongDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var members = await db.Members.AsNoTracking().OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.ExternalId, m.Rank, m.LeaderId, m.QualifiedReferrals }).ToListAsync();
        var names = members.ToDictionary(m => m.Id, m => m.ExternalId);
        var sums = (await db.LedgerEntries.AsNoTracking().GroupBy(e => new { e.BeneficiaryId, e.Status })
            .Select(g => new { g.Key.BeneficiaryId, g.Key.Status, Sum = g.Sum(e => e.AmountFen) }).ToListAsync())
            .ToDictionary(x => (x.BeneficiaryId, x.Status), x => x.Sum);
        var orderNames = await db.Orders.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ExternalId);
        var entries = await db.LedgerEntries.AsNoTracking().OrderBy(e => e.Id)
            .Select(e => new { e.OrderId, e.BeneficiaryId, e.Kind, e.AmountFen, e.Status }).ToListAsync();
        var withheld = await db.WithheldRewards.AsNoTracking().OrderBy(w => w.Id)
            .Select(w => new { w.OrderId, w.BeneficiaryId, w.Kind, w.AmountFen, w.Reason }).ToListAsync();
        var fund = await db.SupportFundMovements.SumAsync(m => m.AmountFen);

        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("members");
            foreach (var m in members)
            {
                w.WriteStartObject(m.ExternalId);
                w.WriteString("rank", m.Rank.ToString());
                if (m.Rank == MemberRank.Agent && m.LeaderId is long l) w.WriteString("leader", names[l]); else w.WriteNull("leader");
                w.WriteNumber("qualifiedReferrals", m.QualifiedReferrals);
                w.WriteNumber("pendingFen", sums.GetValueOrDefault((m.Id, EntryStatus.Pending)));
                w.WriteNumber("frozenFen", sums.GetValueOrDefault((m.Id, EntryStatus.Frozen)));
                w.WriteNumber("availableFen", sums.GetValueOrDefault((m.Id, EntryStatus.Available)));
                w.WriteNumber("paidFen", sums.GetValueOrDefault((m.Id, EntryStatus.Paid)));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteNumber("supportFundFen", fund);
            w.WriteStartArray("entries");
            foreach (var e in entries)
            {
                w.WriteStartObject();
                if (e.OrderId is long o) w.WriteString("order", orderNames[o]); else w.WriteNull("order");
                w.WriteString("beneficiary", names[e.BeneficiaryId]);
                w.WriteString("kind", e.Kind.ToString());
                w.WriteNumber("amountFen", e.AmountFen);
                w.WriteString("status", e.Status.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("withheld");
            foreach (var x in withheld)
            {
                w.WriteStartObject();
                w.WriteString("order", orderNames[x.OrderId]);
                w.WriteString("beneficiary", names[x.BeneficiaryId]);
                w.WriteString("kind", x.Kind.ToString());
                w.WriteString("reason", x.Reason);
                w.WriteNumber("amountFen", x.AmountFen);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
