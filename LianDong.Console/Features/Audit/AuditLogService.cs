using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Audit;

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string Subject, string? OldValue, string? NewValue);

public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total, IReadOnlyList<string> Actions);

/// <summary>
/// Audit filters: action (exact), who (the actor or its beginning, ignoring case: "Root@" finds root@example.com), subject (prefix, e.g. <c>member:</c> or
/// <c>ruleset:v3</c>), and a range of local dates in the platform time zone (both ends included).
/// </summary>
public sealed record AuditFilter(string? Action = null, string? Actor = null, string? SubjectPrefix = null,
    DateOnly? FromDate = null, DateOnly? ToDate = null);

/// <summary>Reads the audit log, newest first unless asked otherwise, a page at a time (it only grows).</summary>
public sealed class AuditLogService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current)
{
    /// <summary>The actions the log holds, for the page's action filter.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AuditLog.Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }

    public Task<AuditPage> PageAsync(string? action, int skip, int take, CancellationToken ct = default) =>
        SearchAsync(new AuditFilter(action), skip, take, ct);

    public async Task<AuditPage> SearchAsync(AuditFilter filter, int skip, int take, CancellationToken ct = default) =>
        await SearchAsync(filter, newestFirst: true, skip, take, ct);

    public async Task<AuditPage> SearchAsync(AuditFilter filter, bool newestFirst, int skip, int take, CancellationToken ct = default)
    {
        var action = filter.Action;
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(action)) q = q.Where(a => a.Action == action);
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            // SQLite's LIKE ignores case (ASCII, which is what emails are); % and _ typed by the user are matched as such.
            var pattern = filter.Actor.Trim().Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            q = q.Where(a => EF.Functions.Like(a.Actor, pattern, @"\"));
        }
        if (!string.IsNullOrWhiteSpace(filter.SubjectPrefix))
        {
            var prefix = filter.SubjectPrefix.Trim();
            var upper = prefix + '\uffff';
            q = q.Where(a => string.Compare(a.Subject, prefix) >= 0 && string.Compare(a.Subject, upper) < 0);
        }
        if (filter.FromDate is DateOnly from)
        {
            var start = PlatformTime.EndOfLocalDay(from.AddDays(-1));
            q = q.Where(a => a.At >= start);
        }
        if (filter.ToDate is DateOnly to)
        {
            var end = PlatformTime.EndOfLocalDay(to);
            q = q.Where(a => a.At < end);
        }
        var total = await q.CountAsync(ct);
        // Id order is insertion order, which is time order for a log that is only appended to.
        var rows = await (newestFirst ? q.OrderByDescending(a => a.Id) : q.OrderBy(a => a.Id)).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(a => new AuditRow(a.Id, a.At, a.Actor, a.Action, a.Subject, a.OldValue, a.NewValue))
            .ToListAsync(ct);
        var actions = await db.AuditLog.Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        return new AuditPage(rows, total, actions);
    }
}
