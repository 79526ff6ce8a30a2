using LianDong.Domain;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Jobs;

/// <summary>
/// The one code path that runs the nightly run: the scheduled job, its start-up catch-up, the Jobs page's
/// "Run now for date…" and the <c>nightly</c> verb all call this. The domain's <see cref="NightlyRunService"/> does
/// the work (catch-up in date order, resume after a failure, the run row per date as the lock); this adds which date
/// "last night" is and the audit entry for a run someone asked for by hand.
/// </summary>
public sealed class NightlyJobRunner(NightlyRunService nightly, IDbContextFactory<LianDongDbContext> dbs, TimeProvider clock)
{
    public const string SchedulerActor = "system:scheduler";

    /// <summary>The latest business date that has ended in the platform time zone (yesterday, local).</summary>
    public DateOnly PreviousBusinessDate() => PlatformTime.LocalDate(clock.GetUtcNow()).AddDays(-1);

    /// <summary>Runs every not-yet-run date up to and including the previous business date (the scheduled run).</summary>
    public Task<IReadOnlyList<NightlyRunSummary>> RunScheduledAsync(CancellationToken ct = default) =>
        nightly.RunAsync(PreviousBusinessDate(), SchedulerActor, ct);

    /// <summary>
    /// Runs every not-yet-run date up to <paramref name="date"/> for a person (page or CLI) and audits the request.
    /// Throws <see cref="EngineRuleException"/> for a date that has not ended yet.
    /// </summary>
    public async Task<IReadOnlyList<NightlyRunSummary>> RunByHandAsync(DateOnly date, string actor, CancellationToken ct = default)
    {
        // Checked here too (the run service checks the same) so that a date at the end of the calendar is refused, not an overflow.
        if (date > PreviousBusinessDate())
            throw new EngineRuleException($"business date {date:yyyy-MM-dd} has not ended yet in {PlatformTime.Zone.Id}");
        // Runs go in date order: a date before the last completed run that never ran would be a run out of order.
        await using (var check = await dbs.CreateDbContextAsync(ct))
        {
            var last = await check.NightlyRuns.Where(r => r.Outcome == NightlyRunOutcome.Completed)
                .OrderByDescending(r => r.BusinessDate).Select(r => (DateOnly?)r.BusinessDate).FirstOrDefaultAsync(ct);
            if (last is { } l && date < l && !await check.NightlyRuns.AnyAsync(r => r.BusinessDate == date, ct))
                throw new EngineRuleException($"business date {date:yyyy-MM-dd} is before the last completed run ({l:yyyy-MM-dd}) and never ran; runs go in date order");
        }
        var summaries = await nightly.RunAsync(date, actor, ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.NightlyRunByHand, $"nightly:{date:yyyy-MM-dd}", null,
            Describe(summaries)));
        await db.SaveChangesAsync(ct);
        return summaries;
    }

    /// <summary>One line per date: what it did (used by the audit entry, the CLI and the page's notification).</summary>
    public static string Describe(IReadOnlyList<NightlyRunSummary> summaries) =>
        summaries.Count == 0 ? "nothing to run" : string.Join("; ", summaries.Select(Describe));

    public static string Describe(NightlyRunSummary s) =>
        s.HeldByAnotherRunner ? $"{s.BusinessDate:yyyy-MM-dd} held by another runner, left alone"
        : s.AlreadyCompleted ? $"{s.BusinessDate:yyyy-MM-dd} already completed, nothing changed"
        : $"{s.BusinessDate:yyyy-MM-dd} completed: {s.ExpiredTasks} task(s) expired, {s.ForfeitedEntries} entr(ies) forfeited " +
          $"({Money.FromFen(s.ForfeitedFen)}), {s.ReleasedEntries} released, {s.SettledEntries} settled " +
          $"({Money.FromFen(s.SettledFen)})";
}
