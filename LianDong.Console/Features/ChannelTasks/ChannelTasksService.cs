using LianDong.Console.Features.Members;
using LianDong.Console.Security;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.ChannelTasks;

public sealed record PartnerFrozen(string Partner, long FrozenFen, int Entries);

/// <summary>One page of tasks and how many match the filters.</summary>
public sealed record TaskPage(IReadOnlyList<TaskRow> Rows, int Total);

/// <summary>Channel tasks: the template in force, tasks paged on the server with filters and sort, frozen amounts per task and per partner.</summary>
public sealed class ChannelTasksService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, RuleSetService ruleSets, TimeProvider time)
{
    public async Task<RuleSet?> TemplateAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        return await ruleSets.GetInEffectAsync(time.GetUtcNow(), ct);
    }

    /// <summary>The sort names the list accepts, the grid's column names (anything else sorts newest first).</summary>
    public static readonly IReadOnlySet<string> Sorts = new HashSet<string> { nameof(TaskRow.Id), nameof(TaskRow.CreatedAt), nameof(TaskRow.Deadline) };

    /// <summary>
    /// One page of tasks with <paramref name="status"/> and of the partner <paramref name="partnerExternalId"/> (an
    /// unknown id matches nothing), sorted by id, creation or deadline with the id as tie-breaker; counted and paged in the database.
    /// </summary>
    public async Task<TaskPage> PageAsync(ChannelTaskStatus? status, string? partnerExternalId, string? sortBy, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.ChannelTasks.AsQueryable();
        if (status is { } s) q = q.Where(t => t.Status == s);
        if (!string.IsNullOrWhiteSpace(partnerExternalId))
        {
            var pid = await db.Members.Where(m => m.ExternalId == partnerExternalId.Trim()).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct) ?? -1;
            q = q.Where(t => t.PartnerId == pid);
        }
        var total = await q.CountAsync(ct);
        if (!Sorts.Contains(sortBy ?? "")) (sortBy, descending) = (nameof(TaskRow.Id), true);
        q = (sortBy, descending) switch
        {
            (nameof(TaskRow.CreatedAt), false) => q.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
            (nameof(TaskRow.CreatedAt), true) => q.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id),
            (nameof(TaskRow.Deadline), false) => q.OrderBy(t => t.Deadline).ThenBy(t => t.Id),
            (nameof(TaskRow.Deadline), true) => q.OrderByDescending(t => t.Deadline).ThenByDescending(t => t.Id),
            (_, false) => q.OrderBy(t => t.Id),
            _ => q.OrderByDescending(t => t.Id),
        };
        var rows = await MembersService.TasksAsync(db, q.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100)), ct);
        return new TaskPage(rows, total);
    }

    /// <summary>The partners with the most money frozen, largest first.</summary>
    public async Task<IReadOnlyList<PartnerFrozen>> FrozenByPartnerAsync(int take = 20, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var sums = await db.LedgerEntries.AsNoTracking().Where(e => e.Status == EntryStatus.Frozen)
            .GroupBy(e => e.BeneficiaryId).Select(g => new { Id = g.Key, Sum = g.Sum(e => e.AmountFen), Count = g.Count() })
            .OrderByDescending(x => x.Sum).Take(take).ToListAsync(ct);
        var ids = sums.Select(s => s.Id).ToArray();
        var names = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.ExternalId, ct);
        return sums.Select(s => new PartnerFrozen(names[s.Id], s.Sum, s.Count)).ToList();
    }
}
