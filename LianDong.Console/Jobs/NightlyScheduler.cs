using System.Collections.Specialized;
using LianDong.Console.Settings;
using LianDong.Domain.Engine;
using Quartz;
using Quartz.Impl;

namespace LianDong.Console.Jobs;

/// <summary>
/// Starts Quartz (in memory: run state lives in our NightlyRuns table, not in Quartz's store) when
/// <c>Jobs:Enabled</c> is true. One job, two triggers: daily at <c>Jobs:NightlyAt</c> in Asia/Shanghai, and once at
/// start-up to catch up every missed business date in order. Registered after StartupTasks, so the database is
/// migrated (and demo data seeded) before the first run.
/// </summary>
public sealed class NightlyScheduler(JobsSettings settings, IServiceScopeFactory scopes, ILogger<NightlyScheduler> log) : IHostedService
{
    public static readonly JobKey JobKey = new("nightly", "liandong");
    private IScheduler? _scheduler;

    /// <summary>The running scheduler (null when Jobs:Enabled is false or before start).</summary>
    public IScheduler? Scheduler => _scheduler;

    /// <summary>The daily trigger: every day at <paramref name="at"/>, platform time.</summary>
    public static ITrigger DailyTrigger(TimeOnly at, DateTimeOffset? from = null) => TriggerBuilder.Create()
        .WithIdentity("daily", "liandong")
        .ForJob(JobKey)
        .StartAt(from ?? DateTimeOffset.UtcNow)
        .WithSchedule(CronScheduleBuilder.DailyAtHourAndMinute(at.Hour, at.Minute).InTimeZone(PlatformTime.Zone)
            .WithMisfireHandlingInstructionFireAndProceed())
        .Build();

    /// <summary>When the daily trigger fires next after <paramref name="after"/>.</summary>
    public static DateTimeOffset? NextRunAfter(TimeOnly at, DateTimeOffset after) =>
        ((ICronTrigger)DailyTrigger(at, after)).GetFireTimeAfter(after);

    public async Task StartAsync(CancellationToken ct)
    {
        if (!settings.Enabled)
        {
            log.LogInformation("Jobs:Enabled is false: the nightly scheduler is off in this process");
            return;
        }
        var factory = new StdSchedulerFactory(new NameValueCollection
        {
            // The scheduler repository is per process: a unique name keeps two hosts in one process (tests) apart.
            ["quartz.scheduler.instanceName"] = "liandong-" + Guid.NewGuid().ToString("N"),
            ["quartz.threadPool.threadCount"] = "1",
        });
        _scheduler = await factory.GetScheduler(ct);
        _scheduler.JobFactory = new ScopedJobFactory(scopes);
        var job = JobBuilder.Create<NightlyJob>().WithIdentity(JobKey).StoreDurably().Build();
        await _scheduler.AddJob(job, replace: true, ct);
        await _scheduler.ScheduleJob(DailyTrigger(settings.NightlyAt), ct);
        await _scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity("catch-up", "liandong").ForJob(JobKey).StartNow().Build(), ct);
        await _scheduler.Start(ct);
        log.LogInformation("Nightly scheduler started: daily at {At} {Zone}, catching up missed dates now", settings.NightlyAt, PlatformTime.Zone.Id);
    }

    /// <summary>Test seam: fires the job once at <paramref name="at"/> through the same scheduler, factory and job.</summary>
    internal Task FireOnceAtAsync(DateTimeOffset at) =>
        (_scheduler ?? throw new InvalidOperationException("the scheduler is not running"))
            .ScheduleJob(TriggerBuilder.Create().ForJob(JobKey).StartAt(at).Build());

    public async Task StopAsync(CancellationToken ct)
    {
        if (_scheduler is not null) await _scheduler.Shutdown(waitForJobsToComplete: true, ct);
    }
}
