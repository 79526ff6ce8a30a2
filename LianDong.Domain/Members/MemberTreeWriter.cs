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

    /// <summary>An Agent joined (<paramref name="newLeader"/>) or left (<paramref name="oldLeader"/>) a team.</summary>
    public static async Task LeaderChangedAsync(LianDongDbContext db, long? oldLeader, long? newLeader, CancellationToken ct)
    {
        if (oldLeader == newLeader) return;
        if (oldLeader is long o)
            await db.Members.Where(m => m.Id == o).ExecuteUpdateAsync(s => s.SetProperty(m => m.LedAgents, m => m.LedAgents - 1), ct);
        if (newLeader is long n)
            await db.Members.Where(m => m.Id == n).ExecuteUpdateAsync(s => s.SetProperty(m => m.LedAgents, m => m.LedAgents + 1), ct);
    }

    public static Task RankChangedAsync(LianDongDbContext db, Member member, MemberRank from, MemberRank to, CancellationToken ct) =>
        AdjustAncestorsAsync(db, member.AncestorIds, 0,
            (to == MemberRank.Agent ? 1 : 0) - (from == MemberRank.Agent ? 1 : 0),
            (to == MemberRank.Partner ? 1 : 0) - (from == MemberRank.Partner ? 1 : 0), ct);
}
