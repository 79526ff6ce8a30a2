using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Members;

/// <summary>How many members there are, and how many agents and partners among them.</summary>
public sealed record MemberCounts(long All, long Agents, long Partners)
{
    public long Members => All - Agents - Partners;

    public long Of(MemberRank? rank) => rank switch
    {
        MemberRank.Agent => Agents,
        MemberRank.Partner => Partners,
        MemberRank.Member => Members,
        _ => All,
    };

    /// <summary>
    /// From the roots' cached subtree counters (one index range over the roots, not a scan of a million members): every
    /// member is a root or in a root's subtree, and the engine keeps each member's team counters.
    /// </summary>
    public static async Task<MemberCounts> ReadAsync(LianDongDbContext db, CancellationToken ct)
    {
        var roots = await db.Members.AsNoTracking().Where(m => m.ReferrerId == null).GroupBy(m => 1).Select(g => new
        {
            Count = g.LongCount(), Size = g.Sum(m => (long)m.TeamSize), Agents = g.Sum(m => (long)m.TeamAgents), Partners = g.Sum(m => (long)m.TeamPartners),
            RootAgents = g.LongCount(m => m.Rank == MemberRank.Agent), RootPartners = g.LongCount(m => m.Rank == MemberRank.Partner),
        }).FirstOrDefaultAsync(ct);
        return roots is null ? new(0, 0, 0)
            : new(roots.Count + roots.Size, roots.Agents + roots.RootAgents, roots.Partners + roots.RootPartners);
    }
}
