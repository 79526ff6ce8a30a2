using LianDong.Console.Jobs;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Jobs;

/// <summary>The console with its scheduler on (Jobs:Enabled=true) over an existing database and a test clock.</summary>
internal sealed class SchedulerConsole(string connectionString, TimeProvider clock, IReadOnlyDictionary<string, string>? extra = null)
    : ConsoleFactory(Settings(connectionString, extra))
{
    private static Dictionary<string, string> Settings(string connectionString, IReadOnlyDictionary<string, string>? extra)
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Default"] = connectionString, ["Jobs:Enabled"] = "true" };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) settings[k] = v;
        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton(clock));
    }
}

public class NightlySchedulerTests
{
    [Fact]
    public void The_daily_trigger_fires_at_the_configured_time_in_Asia_Shanghai()
    {
        // 02:00 in Shanghai is 18:00 UTC the day before.
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.Zero),
            NightlyScheduler.NextRunAfter(new TimeOnly(2, 0), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 18, 0, 0, TimeSpan.Zero),
            NightlyScheduler.NextRunAfter(new TimeOnly(2, 0), new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 19, 30, 0, TimeSpan.Zero),
            NightlyScheduler.NextRunAfter(new TimeOnly(3, 30), new DateTimeOffset(2026, 1, 1, 19, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task On_start_it_catches_up_every_missed_date_in_order_and_a_fired_trigger_records_the_next_row()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("B", "A", new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("C", "A", new DateTimeOffset(2026, 1, 3, 2, 0, 0, TimeSpan.Zero));
        // 2026-01-12 08:00 local: nights 01-02 (the first posting date) … 01-11 were missed; B's direct reward (posted
        // 01-02) settles on 01-09.
        var clock = new TestClock(new DateTimeOffset(2026, 1, 12, 0, 0, 0, TimeSpan.Zero));

        await using var console = new SchedulerConsole($"Data Source={h.DbPath}", clock);
        var scheduler = console.Services.GetRequiredService<NightlyScheduler>();
        Assert.NotNull(scheduler.Scheduler);

        var runs = await WaitForRunsAsync(h, new DateOnly(2026, 1, 11));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => new DateOnly(2026, 1, 2).AddDays(i)), runs.Select(r => r.BusinessDate));
        Assert.All(runs, r => Assert.Equal(NightlyRunOutcome.Completed, r.Outcome));
        Assert.All(runs, r => Assert.Equal(NightlyJobRunner.SchedulerActor, r.Actor));
        Assert.Equal(runs.OrderBy(r => r.Id).Select(r => r.BusinessDate), runs.Select(r => r.BusinessDate)); // run in date order
        Assert.Equal(20000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).AvailableFen);

        // The next night: the job fires through the same scheduler, job factory and fresh scope.
        clock.Now = new DateTimeOffset(2026, 1, 12, 18, 0, 0, TimeSpan.Zero);
        await scheduler.FireOnceAtAsync(DateTimeOffset.UtcNow.AddMilliseconds(200));
        var after = await WaitForRunsAsync(h, new DateOnly(2026, 1, 12));
        Assert.Equal(11, after.Count);
        Assert.Equal(NightlyRunOutcome.Completed, after[^1].Outcome);
    }

    [Fact]
    public async Task With_Jobs_Enabled_false_no_scheduler_runs()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await using var console = new SchedulerConsole($"Data Source={h.DbPath}", new TestClock(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string> { ["Jobs:Enabled"] = "false" });
        Assert.Null(console.Services.GetRequiredService<NightlyScheduler>().Scheduler);
        await Task.Delay(500);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.NightlyRuns.CountAsync());
    }

    internal static async Task<List<NightlyRun>> WaitForRunsAsync(EngineTestHost h, DateOnly through)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await h.Db.CreateDbContextAsync();
            var runs = await db.NightlyRuns.AsNoTracking().OrderBy(r => r.BusinessDate).ToListAsync();
            if (runs.Any(r => r.BusinessDate == through && r.Outcome != NightlyRunOutcome.Running)) return runs;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"no finished run for {through:yyyy-MM-dd} within 30 s; runs: {string.Join(", ", runs.Select(r => $"{r.BusinessDate} {r.Outcome} {r.Error}"))}");
            await Task.Delay(100);
        }
    }
}
