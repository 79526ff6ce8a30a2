using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Members;

/// <summary>
/// Keeps the cached subtree counters (TeamSize/TeamAgents/TeamPartners) right: one set-based UPDATE over the ancestor
/// ids taken from the member's materialized path, in the caller's transaction.
/// </summary>
internal static class MemberTreeWriter
{
    public static Task AdjustAncestorsAsync(LianDongDbContext db, IReadOnlyList<long> ancestorIds, int sizeDelta, int agentDelta, int partnerDelta, CancellationToken ct)
    {
        if (ancestorIds.Count == 0 || (sizeDelta == 0 && agentDelta == 0 && partnerDelta == 0)) return Task.CompletedTask;
        var ids = ancestorIds.ToArray();
        return db.Members.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.TeamSize, m => m.TeamSize + sizeDelta)
            .SetProperty(m => m.TeamAgents, m => m.TeamAgents + agentDelta)
            .SetProperty(m => m.TeamPartners, m => m.TeamPartners + partnerDelta), ct);
    }

    public static Task RankChangedAsync(LianDongDbContext db, Member member, MemberRank from, MemberRank to, CancellationToken ct) =>
        AdjustAncestorsAsync(db, member.AncestorIds, 0,
            (to == MemberRank.Agent ? 1 : 0) - (from == MemberRank.Agent ? 1 : 0),
            (to == MemberRank.Partner ? 1 : 0) - (from == MemberRank.Partner ? 1 : 0), ct);
}
