using System.Reflection;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using LianDong.Console.Jobs;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Jobs;

/// <summary>The console with its job server on (Jobs:Enabled=true) over an existing database and a test clock.</summary>
internal sealed class SchedulerConsole(string connectionString, TimeProvider clock, IReadOnlyDictionary<string, string>? extra = null,
    Action<IServiceCollection>? services = null)
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
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton(clock);
            services?.Invoke(s);
        });
    }
}

/// <summary>The nightly run on Hangfire: the recurring job, its start-up catch-up, retries, and Jobs:Enabled=false.</summary>
public class NightlySchedulerTests
{
    [Fact]
    public async Task The_recurring_job_is_daily_at_Jobs_NightlyAt_in_Asia_Shanghai()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await using var console = new SchedulerConsole($"Data Source={h.DbPath}", new TestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string> { ["Jobs:NightlyAt"] = "03:30" });
        Assert.NotNull(console.Services.GetRequiredService<NightlyScheduler>().Server);

        var storage = console.Services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs([NightlyScheduler.RecurringJobId]));
            Assert.Equal("30 3 * * *", job.Cron);
            Assert.Equal("Asia/Shanghai", job.TimeZoneId);
            Assert.Equal(typeof(NightlyJob), job.Job.Type);
        }
        // Hangfire plans it on the real clock: 03:30 in Shanghai is 19:30 UTC (no daylight saving there).
        var next = NightlyScheduler.NextRun(storage);
        Assert.NotNull(next);
        Assert.Equal(new TimeSpan(19, 30, 0), next.Value.UtcDateTime.TimeOfDay);
        Assert.InRange(next.Value - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(1));
    }

    [Fact]
    public void The_nightly_job_retries_with_backoff()
    {
        var retry = typeof(NightlyJob).GetMethod(nameof(NightlyJob.RunAsync))!.GetCustomAttribute<AutomaticRetryAttribute>();
        Assert.NotNull(retry);
        Assert.Equal(NightlyJob.RetryDelaysInSeconds.Length, retry.Attempts);
        Assert.Equal(NightlyJob.RetryDelaysInSeconds, retry.DelaysInSeconds);
        Assert.Equal(AttemptsExceededAction.Fail, retry.OnAttemptsExceeded);
    }

    [Fact]
    public async Task On_start_it_catches_up_every_missed_date_in_order_and_the_triggered_recurring_job_records_the_next_row()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("B", "A", new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("C", "A", new DateTimeOffset(2026, 1, 3, 2, 0, 0, TimeSpan.Zero));
        // 2026-01-12 08:00 local: nights 01-02 (the first posting date) … 01-11 were missed; B's direct reward (posted
        // 01-02) settles on 01-09.
        var clock = new TestClock(new DateTimeOffset(2026, 1, 12, 0, 0, 0, TimeSpan.Zero));

        await using var console = new SchedulerConsole($"Data Source={h.DbPath}", clock);
        Assert.NotNull(console.Services.GetRequiredService<NightlyScheduler>().Server);

        var runs = await WaitForRunsAsync(h, new DateOnly(2026, 1, 11));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => new DateOnly(2026, 1, 2).AddDays(i)), runs.Select(r => r.BusinessDate));
        Assert.All(runs, r => Assert.Equal(NightlyRunOutcome.Completed, r.Outcome));
        Assert.All(runs, r => Assert.Equal(NightlyJobRunner.SchedulerActor, r.Actor));
        Assert.Equal(runs.OrderBy(r => r.Id).Select(r => r.BusinessDate), runs.Select(r => r.BusinessDate)); // run in date order
        Assert.Equal(20000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).AvailableFen);

        // The next night: the recurring job fires (triggered now rather than at 02:00) through Hangfire's server,
        // activator and a fresh scope.
        clock.Now = new DateTimeOffset(2026, 1, 12, 18, 0, 0, TimeSpan.Zero);
        var jobId = console.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob(NightlyScheduler.RecurringJobId);
        Assert.NotNull(jobId);
        var after = await WaitForRunsAsync(h, new DateOnly(2026, 1, 12));
        Assert.Equal(11, after.Count);
        Assert.Equal(NightlyRunOutcome.Completed, after[^1].Outcome);
        await WaitForStateAsync(console, jobId, SucceededState.StateName);
    }

    [Fact]
    public async Task A_run_that_fails_is_retried_by_Hangfire_and_the_retry_resumes_at_the_next_step()
    {
        await using var clean = await PlatformAsync();
        await new NightlyJobRunner(clean.Nightly, clean.Db, clean.Clock).RunScheduledAsync();

        await using var h = await PlatformAsync();
        var day = new DateOnly(2026, 1, 9);
        var failOnce = 1;
        // The console's run service fails its start-up catch-up once, after releasing 01-09 (set before the host starts).
        await using var console = new SchedulerConsole($"Data Source={h.DbPath}", h.Clock, services: s => s.AddSingleton(sp =>
            new NightlyRunService(sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>(), h.Clock)
            {
                AfterStepForTests = (date, step) => date == day && step == NightlyRun.StepRelease && Interlocked.Exchange(ref failOnce, 0) == 1
                    ? throw new IOException("disk full") : Task.CompletedTask,
            }));
        Assert.NotNull(console.Services.GetRequiredService<NightlyScheduler>().Server);

        // The failed execution goes back to Scheduled (a retry after the first delay), not to Failed.
        var storage = console.Services.GetRequiredService<JobStorage>();
        var jobId = await WaitForAsync(() =>
        {
            var scheduled = storage.GetMonitoringApi().ScheduledJobs(0, 10);
            return scheduled.Count == 1 ? scheduled[0].Key : null;
        }, "the failed run was not scheduled for a retry");
        using (var connection = storage.GetConnection())
            Assert.Contains("Retry attempt 1 of 3", connection.GetStateData(jobId).Reason);
        var failed = await WaitForRunsAsync(h, day);
        Assert.Equal(NightlyRunOutcome.Failed, failed[^1].Outcome);
        Assert.Equal(NightlyRun.StepRelease, failed[^1].StepReached);
        Assert.Equal("disk full", failed[^1].Error);

        // The retry, now rather than in a minute: the same Hangfire job takes the Failed row over at the next step.
        Assert.True(console.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId));
        await WaitForStateAsync(console, jobId, SucceededState.StateName);
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var row = await db.NightlyRuns.SingleAsync(r => r.BusinessDate == day);
            Assert.Equal(NightlyRunOutcome.Completed, row.Outcome);
            Assert.Equal(2, row.Attempts);
            Assert.Null(row.Error);
            Assert.Equal(await db.NightlyRuns.CountAsync(), await db.SettlementBatches.CountAsync());
            Assert.Equal(await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Available),
                await db.LedgerStatusChanges.CountAsync(c => c.ToStatus == EntryStatus.Available));
        }
        foreach (var m in new[] { "A", "B", "C", "D" })
            Assert.Equal(await clean.Ledger.GetBalancesAsync(await clean.IdOf(m)) with { MemberId = 0 },
                await h.Ledger.GetBalancesAsync(await h.IdOf(m)) with { MemberId = 0 });
    }

    [Fact]
    public async Task With_Jobs_Enabled_false_no_job_server_runs()
    {
        await using var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await using var console = new SchedulerConsole($"Data Source={h.DbPath}", new TestClock(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string> { ["Jobs:Enabled"] = "false" });
        Assert.Null(console.Services.GetRequiredService<NightlyScheduler>().Server);
        var storage = console.Services.GetRequiredService<JobStorage>();
        Assert.Null(NightlyScheduler.NextRun(storage));
        await Task.Delay(500);
        Assert.Equal(0, storage.GetMonitoringApi().GetStatistics().Servers);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.NightlyRuns.CountAsync());
    }

    /// <summary>Four members paid on 2026-01-01, the clock on 2026-01-11: ten nights to run, rewards settling on 01-08.</summary>
    internal static async Task<EngineTestHost> PlatformAsync()
    {
        var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("B", "A", new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("C", "A", new DateTimeOffset(2026, 1, 1, 4, 0, 0, TimeSpan.Zero));
        await h.RegisterAndPayAsync("D", "A", new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero));
        h.Clock.Now = new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero);
        return h;
    }

    private static async Task WaitForStateAsync(SchedulerConsole console, string jobId, string state)
    {
        var storage = console.Services.GetRequiredService<JobStorage>();
        await WaitForAsync(() =>
        {
            using var connection = storage.GetConnection();
            return connection.GetStateData(jobId)?.Name == state ? state : null;
        }, $"job {jobId} did not reach {state}");
    }

    private static async Task<string> WaitForAsync(Func<string?> probe, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail(failure + " within 30 s");
            await Task.Delay(100);
        }
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
