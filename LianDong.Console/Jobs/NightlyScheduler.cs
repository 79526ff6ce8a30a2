using Hangfire;
using Hangfire.Storage;
using LianDong.Console.Settings;
using LianDong.Domain.Engine;

namespace LianDong.Console.Jobs;

/// <summary>
/// Starts this process's Hangfire job server when <c>Jobs:Enabled</c> is true (false: no server here, nothing runs).
/// One recurring job, <see cref="RecurringJobId"/>: daily at <c>Jobs:NightlyAt</c> in Asia/Shanghai, triggered once
/// more at start-up to catch up every missed business date in order. Registered after StartupTasks, so the database is
/// migrated (and demo data seeded) before the first run.
/// </summary>
public sealed class NightlyScheduler(JobsSettings settings, JobStorage storage, JobActivator activator, IRecurringJobManagerV2 recurringJobs,
    ILogger<NightlyScheduler> log) : IHostedService
{
    public const string RecurringJobId = "nightly";

    /// <summary>Two workers: the catch-up may meet the cron or a dashboard trigger; the run rows keep them apart.</summary>
    public const int WorkerCount = 2;

    /// <summary>The running job server (null when Jobs:Enabled is false or before start).</summary>
    public BackgroundJobServer? Server { get; private set; }

    /// <summary>The cron expression for daily at <paramref name="at"/> (read in the platform time zone).</summary>
    public static string CronFor(TimeOnly at) => Cron.Daily(at.Hour, at.Minute);

    /// <summary>When the recurring job fires next, as Hangfire's storage says (null when it is not scheduled in this storage).</summary>
    public static DateTimeOffset? NextRun(JobStorage storage)
    {
        using var connection = storage.GetConnection();
        var job = connection.GetRecurringJobs([RecurringJobId]).SingleOrDefault(j => !j.Removed);
        return job?.NextExecution is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
    }

    public Task StartAsync(CancellationToken ct)
    {
        if (!settings.Enabled)
        {
            log.LogInformation("Jobs:Enabled is false: no job server in this process");
            return Task.CompletedTask;
        }
        recurringJobs.AddOrUpdate<NightlyJob>(RecurringJobId, job => job.RunAsync(CancellationToken.None), CronFor(settings.NightlyAt),
            new RecurringJobOptions { TimeZone = PlatformTime.Zone });
        // The start-up catch-up is the same job, now: it runs every date not yet run up to yesterday, in order.
        recurringJobs.TriggerJob(RecurringJobId);
        Server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = WorkerCount,
            Activator = activator,
            // Stopping cancels a running job's token at once; the run marks its row Failed and the next run resumes it.
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        }, storage);
        log.LogInformation("Job server started: nightly run daily at {At} {Zone}, catching up missed dates now", settings.NightlyAt, PlatformTime.Zone.Id);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (Server is not { } server) return;
        // A run cut off here is marked Failed on its row and resumed by the next run (ADR 0020).
        server.SendStop();
        try { await server.WaitForShutdownAsync(ct); }
        catch (OperationCanceledException) { }
        server.Dispose();
    }
}
