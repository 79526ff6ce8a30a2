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

public sealed record NightlyRunRow(DateOnly BusinessDate, NightlyRunOutcome Outcome, DateTimeOffset StartedLocal, DateTimeOffset? EndedLocal, int Attempts,
    int StepReached, string Actor, int ExpiredTasks, int ForfeitedEntries, long ForfeitedFen, int ReleasedEntries, int SettledEntries, long SettledFen,
    string? Error);

/// <summary>What "Run now" did, in words: refused (<see cref="Outcome"/>), nothing changed (the dates were already completed), or run.</summary>
public sealed record RunNowResult(Outcome Outcome, bool NothingChanged, string? Message)
{
    public static RunNowResult Refused(string error) => new(Outcome.Fail(error), true, null);
}

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
        var lastCompleted = await LastCompletedAsync(ct);
        var unfinished = await db.NightlyRuns.CountAsync(r => r.Outcome != NightlyRunOutcome.Completed, ct);
        var next = settings.Enabled ? NightlyScheduler.NextRun(jobStorage) : null;
        return new JobSchedule(settings.Enabled, settings.NightlyAt, PlatformTime.Zone.Id, next is { } n ? Local(n) : null,
            runner.PreviousBusinessDate(), lastCompleted, unfinished, JobsSetup.DashboardPath);
    }

    /// <summary>Run rows, newest business date first unless asked (one row per date: a few hundred a year; indexed on BusinessDate).</summary>
    public async Task<NightlyRunPage> GetRunsAsync(int skip, int take, CancellationToken ct = default, bool newestFirst = true)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var total = await db.NightlyRuns.CountAsync(ct);
        var ordered = newestFirst ? db.NightlyRuns.AsNoTracking().OrderByDescending(r => r.BusinessDate) : db.NightlyRuns.AsNoTracking().OrderBy(r => r.BusinessDate);
        var runs = await ordered.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        return new NightlyRunPage(runs.Select(r => new NightlyRunRow(r.BusinessDate, r.Outcome, Local(r.StartedAt),
            r.EndedAt is { } e ? Local(e) : null, r.Attempts, r.StepReached, r.Actor, r.ExpiredTasks, r.ForfeitedEntries, r.ForfeitedFen,
            r.ReleasedEntries, r.SettledEntries, r.SettledFen, r.Error)).ToList(), total);
    }

    /// <summary>
    /// "Run now for date…": every not-yet-run date up to <paramref name="date"/>, in order, audited. Says in words what
    /// happened: a date already completed is not run again and the answer says nothing was changed.
    /// </summary>
    public async Task<RunNowResult> RunNowAsync(DateOnly? date, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        if (date is not { } day) return RunNowResult.Refused(JobsText.Get("Error.DateRequired"));
        var shown = Day(day);
        if (day > runner.PreviousBusinessDate()) return RunNowResult.Refused(JobsText.Format("Error.NotEnded", shown, PlatformTime.Zone.Id));
        try
        {
            var summaries = await runner.RunByHandAsync(day, actor, ct);
            if (summaries.Where(s => s.HeldByAnotherRunner).Select(s => Day(s.BusinessDate)).ToList() is { Count: > 0 } held)
                return RunNowResult.Refused(JobsText.Format("Error.Held", string.Join(", ", held)));
            var ran = summaries.Where(s => !s.AlreadyCompleted).Select(s => Day(s.BusinessDate)).ToList();
            return ran.Count == 0
                ? new RunNowResult(Outcome.Success, true, JobsText.Format("Result.NothingChanged", shown))
                : new RunNowResult(Outcome.Success, false, JobsText.Format("Result.Ran", string.Join(", ", ran)));
        }
        catch (EngineRuleException)
        {
            // The runner's own refusals (checked above where the page can say it better): a date out of order, mostly.
            var last = await LastCompletedAsync(ct);
            return RunNowResult.Refused(last is { } l && day < l
                ? JobsText.Format("Error.OutOfOrder", shown, Day(l))
                : JobsText.Format("Error.Refused", shown));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not UnauthorizedAccessException)
        {
            // The run row records the failure (outcome Failed, its error); the next run resumes it.
            return RunNowResult.Refused(JobsText.Get("Error.Failed"));
        }
    }

    public static string OutcomeLabel(NightlyRunOutcome o) => o switch
    {
        NightlyRunOutcome.Completed => JobsText.Get("Outcome.Completed"),
        NightlyRunOutcome.Failed => JobsText.Get("Outcome.Failed"),
        _ => JobsText.Get("Outcome.Running"),
    };

    private async Task<DateOnly?> LastCompletedAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.NightlyRuns.Where(r => r.Outcome == NightlyRunOutcome.Completed)
            .OrderByDescending(r => r.BusinessDate).Select(r => (DateOnly?)r.BusinessDate).FirstOrDefaultAsync(ct);
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, PlatformTime.Zone);
}
