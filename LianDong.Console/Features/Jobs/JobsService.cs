using LianDong.Domain;
using Hangfire;
using LianDong.Console.Features.Shared;
using LianDong.Console.Jobs;
using LianDong.Console.Security;
using LianDong.Console.Settings;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Jobs;

public sealed record JobSchedule(bool Enabled, TimeOnly NightlyAt, string TimeZone, DateTimeOffset? NextRunLocal, DateOnly PreviousBusinessDate,
    DateOnly? LastCompletedDate, int FailedOrRunning, string DashboardPath);

public sealed record NightlyRunRow(DateOnly BusinessDate, string Outcome, DateTimeOffset StartedLocal, DateTimeOffset? EndedLocal, int Attempts,
    int StepReached, string Actor, int ExpiredTasks, int ForfeitedEntries, string Forfeited, int ReleasedEntries, int SettledEntries, string Settled,
    string? Error);

public sealed record NightlyRunPage(IReadOnlyList<NightlyRunRow> Rows, int Total);

/// <summary>
/// The Jobs page: the schedule (the next run as Hangfire's storage has it), our run rows, and "Run now for date…"
/// through the job's own code. Hangfire's dashboard, linked from the page, shows its executions and retries.
/// </summary>
public sealed class JobsService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, JobsSettings settings,
    NightlyJobRunner runner, JobStorage jobStorage)
{
    public async Task<JobSchedule> GetScheduleAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var lastCompleted = await db.NightlyRuns.Where(r => r.Outcome == NightlyRunOutcome.Completed)
            .OrderByDescending(r => r.BusinessDate).Select(r => (DateOnly?)r.BusinessDate).FirstOrDefaultAsync(ct);
        var unfinished = await db.NightlyRuns.CountAsync(r => r.Outcome != NightlyRunOutcome.Completed, ct);
        var next = settings.Enabled ? NightlyScheduler.NextRun(jobStorage) : null;
        return new JobSchedule(settings.Enabled, settings.NightlyAt, PlatformTime.Zone.Id, next is { } n ? Local(n) : null,
            runner.PreviousBusinessDate(), lastCompleted, unfinished, JobsSetup.DashboardPath);
    }

    /// <summary>Run rows, newest business date first (one row per date: a few hundred a year; indexed on BusinessDate).</summary>
    public async Task<NightlyRunPage> GetRunsAsync(int skip, int take, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var total = await db.NightlyRuns.CountAsync(ct);
        var runs = await db.NightlyRuns.AsNoTracking().OrderByDescending(r => r.BusinessDate).Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new NightlyRunPage(runs.Select(r => new NightlyRunRow(r.BusinessDate, OutcomeLabel(r.Outcome), Local(r.StartedAt),
            r.EndedAt is { } e ? Local(e) : null, r.Attempts, r.StepReached, r.Actor, r.ExpiredTasks, r.ForfeitedEntries, Money.FromFen(r.ForfeitedFen).ToString(),
            r.ReleasedEntries, r.SettledEntries, Money.FromFen(r.SettledFen).ToString(), r.Error)).ToList(), total);
    }

    /// <summary>"Run now for date…": every not-yet-run date up to <paramref name="date"/>, in order, audited.</summary>
    public async Task<Outcome> RunNowAsync(DateOnly? date, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        if (date is null) return Outcome.Fail("请选择日期 Business date is required.");
        try
        {
            var summaries = await runner.RunByHandAsync(date.Value, actor, ct);
            return summaries.Any(s => s.HeldByAnotherRunner)
                ? Outcome.Fail("另一个进程正在运行 Another process is running this date: " + NightlyJobRunner.Describe(summaries))
                : Outcome.Success;
        }
        catch (EngineRuleException ex)
        {
            return Outcome.Fail("业务日期 Business date: " + ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not UnauthorizedAccessException)
        {
            // The run row records the failure (outcome Failed, its error); the next run resumes it.
            return Outcome.Fail("运行失败 The run failed part-way and will resume on the next run: " + ex.Message);
        }
    }

    public static string OutcomeLabel(NightlyRunOutcome o) => o switch
    {
        NightlyRunOutcome.Completed => "完成 Completed",
        NightlyRunOutcome.Failed => "失败 Failed",
        _ => "运行中 Running",
    };

    private static DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, PlatformTime.Zone);
}
