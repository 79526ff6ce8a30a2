using LianDong.Console.Cli;
using LianDong.Console.Demo;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Members;
using LianDong.Domain.Settlement;
using LianDong.Domain.Tasks;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Jobs;

public class NightlyVerbTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CliRunner.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Nightly_runs_every_not_yet_run_date_up_to_D_in_order_and_audits_it()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("B", "A", new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero));
        await h.NightlyAsync(new DateOnly(2026, 1, 3)); // 01-02 (the first posting date) and 01-03 done already

        var (code, stdout, stderr) = await RunAsync("nightly", "--date", "2026-01-09", $"--ConnectionStrings:Default=Data Source={h.DbPath}");
        Assert.True(code == CliRunner.Ok, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(Enumerable.Range(4, 6).Select(d => $"2026-01-{d:D2} completed"), lines.Select(l => l[..20]));
        Assert.Contains("1 settled (¥100.00)", lines[^1]);

        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(8, await db.NightlyRuns.CountAsync(r => r.Outcome == NightlyRunOutcome.Completed));
        var audit = await db.AuditLog.SingleAsync(a => a.Action == AuditActions.NightlyRunByHand);
        Assert.Equal("nightly:2026-01-09", audit.Subject);
        Assert.StartsWith("cli:", audit.Actor);
        Assert.Equal(10000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).AvailableFen);

        var again = await RunAsync("nightly", "--date", "2026-01-09", $"--ConnectionStrings:Default=Data Source={h.DbPath}");
        Assert.Equal(CliRunner.Ok, again.Code);
        Assert.Contains("2026-01-09 already completed, nothing changed", again.Out);
    }

    [Fact]
    public async Task Nightly_refuses_a_date_that_has_not_ended_and_bad_arguments()
    {
        using var db = new TempDatabase();
        var future = await RunAsync("nightly", "--date", "2999-01-01", $"--ConnectionStrings:Default={db.ConnectionString}");
        Assert.Equal(CliRunner.BadInput, future.Code);
        Assert.Contains("2999-01-01 has not ended yet in Asia/Shanghai", future.Err);

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var notEnded = await RunAsync("nightly", "--date", today.ToString("yyyy-MM-dd"), $"--ConnectionStrings:Default={db.ConnectionString}");
        Assert.Equal(CliRunner.BadInput, notEnded.Code);
        await using (var ctx = db.NewContext()) Assert.Equal(0, await ctx.NightlyRuns.CountAsync());

        var badDate = await RunAsync("nightly", "--date", "2026-13-01", $"--ConnectionStrings:Default={db.ConnectionString}");
        Assert.Equal(CliRunner.BadInput, badDate.Code);
        Assert.Contains("--date \"2026-13-01\" is not a date (YYYY-MM-DD)", badDate.Err);

        var missing = await RunAsync("nightly");
        Assert.Equal(CliRunner.Usage, missing.Code);
        Assert.Contains("--date is required", missing.Err);
        Assert.Equal(CliRunner.Usage, (await RunAsync("nightly", "--date")).Code);
        Assert.Equal(CliRunner.Usage, (await RunAsync("nightly", "--date", "2026-01-01", "extra")).Code);

        var badSetting = await RunAsync("nightly", "--date", "2026-01-01", "--Jobs:NightlyAt=7pm");
        Assert.Equal(CliRunner.BadInput, badSetting.Code);
        Assert.Contains("Jobs:NightlyAt \"7pm\"", badSetting.Err);
    }
}

public class DemoSeedingTests
{
    [Fact]
    public async Task Seed_demo_fills_an_empty_database_with_a_realistic_platform_through_the_engine_and_refuses_a_second_time()
    {
        using var temp = new TempDatabase();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CliRunner.RunAsync(["seed-demo", "--members", "400", $"--ConnectionStrings:Default={temp.ConnectionString}"], stdout, stderr);
        Assert.True(code == CliRunner.Ok, stderr.ToString());
        Assert.Contains("seeded 400 members", stdout.ToString());
        // Progress as it goes, on stderr: a line per tenth of the events, ending at 100 %.
        var progress = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('%')).ToList();
        Assert.True(progress.Count >= 5, stderr.ToString());
        Assert.Matches(@"^seed-demo: \d+% \([\d,]+ of [\d,]+ events, day \d+ of \d+\)", progress[0]);
        Assert.StartsWith("seed-demo: 100% ", progress[^1]);

        await using (var db = temp.NewContext())
        {
            Assert.Equal(400, await db.Members.CountAsync());
            Assert.Equal(DemoPlan.Merchants.Count, await db.Merchants.CountAsync());
            Assert.Equal(DemoPlan.Packs.Count, await db.GiftPacks.CountAsync(p => p.IsOn));
            Assert.Equal(2, await db.RuleSets.CountAsync());
            var ranks = await db.Members.GroupBy(m => m.Rank).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N);
            Assert.True(ranks[MemberRank.Member] > ranks[MemberRank.Agent] / 2, "plenty of plain members");
            Assert.True(ranks[MemberRank.Agent] > ranks[MemberRank.Partner], "more agents than partners");
            Assert.True(ranks[MemberRank.Partner] >= 3, "some partners (two appointed, the rest upgraded)");
            Assert.True(await db.Members.CountAsync(m => m.ReferrerId != null) >= 390, "members joined through referral links");
            Assert.True(await db.Orders.CountAsync(o => o.RefundedAt != null) > 0, "some refunds");
            Assert.True(await db.Orders.CountAsync(o => o.PackId == null) > 100, "retail orders");
            Assert.True(await db.ChannelTasks.CountAsync(t => t.Status == ChannelTaskStatus.Completed) > 0, "completed tasks");
            Assert.True(await db.ChannelTasks.CountAsync(t => t.Status == ChannelTaskStatus.Expired) > 0, "expired tasks");
            var runs = await db.NightlyRuns.ToListAsync();
            Assert.Equal(DemoPlan.Days, runs.Count);
            Assert.All(runs, r => Assert.Equal(NightlyRunOutcome.Completed, r.Outcome));
            Assert.True(runs.Sum(r => r.SettledEntries) > 0);
            Assert.Contains(await db.AuditLog.Select(a => a.Action).ToListAsync(), a => a == AuditActions.DemoSeed);
        }
        // Every seeded pack passes the compliance check.
        await using (var h = await EngineServicesOn(temp))
            foreach (var p in DemoPlan.Packs) Assert.Empty(await h.GetRequiredService<LianDong.Domain.Packs.PackService>().CheckAsync(p.Code));

        var again = new StringWriter();
        Assert.Equal(CliRunner.BadInput, await CliRunner.RunAsync(["seed-demo", "--members", "10", $"--ConnectionStrings:Default={temp.ConnectionString}"], new StringWriter(), again));
        Assert.Contains("already has data", again.ToString());
        await using (var db = temp.NewContext()) Assert.Equal(400, await db.Members.CountAsync());

        var bad = new StringWriter();
        Assert.Equal(CliRunner.BadInput, await CliRunner.RunAsync(["seed-demo", "--members", "lots"], new StringWriter(), bad));
        Assert.Contains("--members \"lots\"", bad.ToString());
        Assert.Equal(CliRunner.Usage, await CliRunner.RunAsync(["seed-demo"], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public void The_plan_is_deterministic_and_in_time_order()
    {
        var start = new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero);
        var now = start.AddDays(DemoPlan.Days);
        var a = DemoPlan.Build(300, start, now);
        var b = DemoPlan.Build(300, start, now);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Events.OrderBy(e => e.At), a.Events);
        Assert.All(a.Events, e => Assert.True(e.At >= start && e.At < now));
    }

    [Fact]
    public void A_plan_with_more_founders_than_hours_in_its_span_still_happens_before_now()
    {
        // 80 founders (members / 250) over a 3-day span: the founders' hour each used to push every other member past
        // `now`, so a big bench (4,000 founders over 90 days) registered everyone after the end and ordered nothing.
        var start = new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero);
        var now = start.AddDays(3);
        var plan = DemoPlan.Build(20_000, start, now);
        Assert.Equal(80, plan.Founders);
        Assert.All(plan.Events, e => Assert.True(e.At >= start && e.At < now, $"{e} at {e.At:O}"));
        Assert.Equal(20_000, plan.Events.OfType<RegisterMember>().Count());
        // About 45 % buy a pack 5 minutes to 2 days after joining; those joining late run past `now`.
        var packBuyers = plan.Events.OfType<PayPackOrder>().Select(o => o.MemberId).Distinct().Count();
        Assert.True(packBuyers > 20_000 * 15 / 100, $"{packBuyers} pack buyers");
        // The founders still come first, in order, before anyone else joins.
        var joins = plan.Events.OfType<RegisterMember>().ToList();
        Assert.All(joins.Take(plan.Founders), r => Assert.Null(r.ReferrerId));
        Assert.All(joins.Skip(plan.Founders), r => Assert.NotNull(r.ReferrerId));
    }

    [Fact]
    public async Task The_first_run_seeds_demo_data_once_and_Demo_SeedOnFirstRun_false_turns_it_off()
    {
        using var temp = new TempDatabase();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Default"] = temp.ConnectionString, ["Demo:SeedOnFirstRun"] = "true", ["Demo:Members"] = "120",
        };
        await using (var first = new ConsoleFactory(settings))
        {
            _ = first.Services;
            await using var db = temp.NewContext();
            Assert.Equal(120, await db.Members.CountAsync());
        }
        settings["Demo:Members"] = "50";
        await using (var second = new ConsoleFactory(settings))
        {
            _ = second.Services;
            await using var db = temp.NewContext();
            Assert.Equal(120, await db.Members.CountAsync()); // not a first run any more
        }

        using var off = new TempDatabase();
        await using (var console = new ConsoleFactory(new Dictionary<string, string> { ["ConnectionStrings:Default"] = off.ConnectionString, ["Demo:SeedOnFirstRun"] = "false" }))
        {
            _ = console.Services;
            await using var db = off.NewContext();
            Assert.Equal(0, await db.Members.CountAsync());
        }
    }

    private static async Task<ServiceProvider> EngineServicesOn(TempDatabase temp)
    {
        await Task.CompletedTask;
        return new ServiceCollection().AddLianDongPersistence(temp.ConnectionString).AddLianDongEngine().BuildServiceProvider();
    }
}
