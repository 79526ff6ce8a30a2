using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Audit;

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string Subject, string? OldValue, string? NewValue);

public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total, IReadOnlyList<string> Actions);

/// <summary>Reads the audit log, newest first, a page at a time (it only grows).</summary>
public sealed class AuditLogService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current)
{
    public async Task<AuditPage> PageAsync(string? action, int skip, int take, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(action)) q = q.Where(a => a.Action == action);
        var total = await q.CountAsync(ct);
        // Id order is insertion order; SQLite cannot sort DateTimeOffset columns in SQL.
        var rows = await q.OrderByDescending(a => a.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(a => new AuditRow(a.Id, a.At, a.Actor, a.Action, a.Subject, a.OldValue, a.NewValue))
            .ToListAsync(ct);
        var actions = await db.AuditLog.Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        return new AuditPage(rows, total, actions);
    }
}
