using LianDong.Console.Features.Members;
using LianDong.Console.Security;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.ChannelTasks;

public sealed record PartnerFrozen(string Partner, long FrozenFen, int Entries);

public sealed record TaskPage(IReadOnlyList<TaskRow> Rows, bool HasMore);

/// <summary>Channel tasks: the template in force, tasks newest first (keyset by id) with filters, frozen amounts per task and per partner.</summary>
public sealed class ChannelTasksService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, RuleSetService ruleSets, TimeProvider time)
{
    public async Task<RuleSet?> TemplateAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        return await ruleSets.GetInEffectAsync(time.GetUtcNow(), ct);
    }

    public async Task<TaskPage> ListAsync(ChannelTaskStatus? status, string? partnerExternalId, long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.ChannelTasks.Where(t => t.Id < beforeId);
        if (status is { } s) q = q.Where(t => t.Status == s);
        if (!string.IsNullOrWhiteSpace(partnerExternalId))
        {
            var pid = await db.Members.Where(m => m.ExternalId == partnerExternalId.Trim()).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct) ?? -1;
            q = q.Where(t => t.PartnerId == pid);
        }
        var rows = await MembersService.TasksAsync(db, q.OrderByDescending(t => t.Id).Take(take + 1), ct);
        return new TaskPage(rows.Take(take).ToList(), rows.Count > take);
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
