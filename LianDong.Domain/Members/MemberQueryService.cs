using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Members;

public sealed record MemberSummary(long Id, string ExternalId, MemberRank Rank, long? ReferrerId, long? LeaderId, int Depth,
    int QualifiedReferrals, int TeamSize, int TeamAgents, int TeamPartners);

/// <summary>
/// Under a member in the referral tree: everyone (<see cref="TeamSize"/>), the Agents and the Partners among them;
/// and the Agents in the team the member leads (<see cref="LedAgents"/>, 0 unless a Partner).
/// </summary>
public sealed record TeamCounts(long MemberId, int TeamSize, int TeamAgents, int TeamPartners, int LedAgents);

/// <summary>
/// The tree and team queries of the console and API. Each is a bounded number of indexed lookups, whatever the size
/// of the tree: ancestors come from the materialized path (one IN query), subtree counts are cached on the member,
/// pages are keyset pages over (ReferrerId, Id) or (LeaderId, Id).
/// </summary>
public sealed class MemberQueryService(IDbContextFactory<LianDongDbContext> dbFactory)
{
    public async Task<MemberSummary?> FindAsync(string externalId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Summaries(db.Members.Where(m => m.ExternalId == externalId)).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Console search: exact member id, exact phone, or name prefix (an index range, not LIKE, so it uses the index
    /// on every provider). Keyset-paged by id within each match kind is not needed: results are capped at <paramref name="take"/>.
    /// </summary>
    public async Task<IReadOnlyList<MemberSummary>> SearchAsync(string text, int take = 20, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        text = text.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var upper = text + '\uffff';
        var byId = await Summaries(db.Members.Where(m => m.ExternalId == text)).ToListAsync(ct);
        var byPhone = await Summaries(db.Members.Where(m => m.Phone == text).OrderBy(m => m.Id).Take(take)).ToListAsync(ct);
        var byName = await Summaries(db.Members
            .Where(m => m.Name != null && string.Compare(m.Name, text) >= 0 && string.Compare(m.Name, upper) < 0)
            .OrderBy(m => m.Name).ThenBy(m => m.Id).Take(take)).ToListAsync(ct);
        return byId.Concat(byPhone).Concat(byName).DistinctBy(m => m.Id).Take(take).ToList();
    }

    /// <summary>Ancestors from the root down to the referrer (one query over the ids in the path).</summary>
    public async Task<IReadOnlyList<MemberSummary>> GetAncestorsAsync(long memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var path = await db.Members.Where(m => m.Id == memberId).Select(m => m.Path).FirstOrDefaultAsync(ct);
        if (path is null) return [];
        var ids = Member.ParsePath(path).ToArray();
        return await Summaries(db.Members.Where(m => ids.Contains(m.Id)).OrderBy(m => m.Depth)).ToListAsync(ct);
    }

    /// <summary>Direct referrals, keyset-paged by id: pass the last id of the previous page.</summary>
    public async Task<IReadOnlyList<MemberSummary>> GetDirectReferralsAsync(long memberId, long afterId = 0, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Summaries(db.Members.Where(m => m.ReferrerId == memberId && m.Id > afterId).OrderBy(m => m.Id).Take(take)).ToListAsync(ct);
    }

    /// <summary>The Agents whose team leader is <paramref name="leaderId"/>, keyset-paged by id.</summary>
    public async Task<IReadOnlyList<MemberSummary>> GetTeamMembersAsync(long leaderId, long afterId = 0, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Summaries(db.Members.Where(m => m.LeaderId == leaderId && m.Id > afterId).OrderBy(m => m.Id).Take(take)).ToListAsync(ct);
    }

    /// <summary>
    /// Everyone below a member in the referral tree, depth-first by path, keyset-paged: pass the last row's Path
    /// (and Id) of the previous page. One range scan of the Path index per page.
    /// </summary>
    public async Task<IReadOnlyList<(MemberSummary Member, string Path)>> GetSubtreeAsync(long memberId, string? afterPath = null, long afterId = 0,
        int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var root = await db.Members.Where(m => m.Id == memberId).Select(m => new { m.Path, m.Id }).FirstOrDefaultAsync(ct);
        if (root is null) return [];
        var prefix = root.Path + root.Id + "/";
        var upper = Member.PathUpperBound(prefix);
        var from = afterPath ?? prefix;
        var rows = await db.Members.AsNoTracking()
            .Where(m => string.Compare(m.Path, upper) < 0
                && (string.Compare(m.Path, from) > 0 || (m.Path == from && m.Id > afterId)))
            .OrderBy(m => m.Path).ThenBy(m => m.Id).Take(take)
            .Select(m => new { m.Path, Summary = new MemberSummary(m.Id, m.ExternalId, m.Rank, m.ReferrerId, m.LeaderId, m.Depth,
                m.QualifiedReferrals, m.TeamSize, m.TeamAgents, m.TeamPartners) })
            .ToListAsync(ct);
        return rows.Select(r => (r.Summary, r.Path)).ToList();
    }

    /// <summary>How many members, Agents and Partners are under a member in the referral tree (cached counters).</summary>
    public async Task<TeamCounts?> GetTeamCountsAsync(long memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Members.Where(m => m.Id == memberId)
            .Select(m => new TeamCounts(m.Id, m.TeamSize, m.TeamAgents, m.TeamPartners, m.LedAgents)).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Recomputes every member's subtree counters from the paths and ranks (a maintenance pass that reads the whole
    /// table once) and returns the members whose cached counters differ. With <paramref name="fix"/> it writes the
    /// recomputed values.
    /// </summary>
    public async Task<IReadOnlyList<(TeamCounts Cached, TeamCounts Recomputed)>> VerifyTeamCountersAsync(bool fix = false, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.Members.AsNoTracking()
            .Select(m => new { m.Id, m.Path, m.Rank, m.LeaderId, m.TeamSize, m.TeamAgents, m.TeamPartners, m.LedAgents }).ToListAsync(ct);
        var size = new Dictionary<long, int>(); var agents = new Dictionary<long, int>(); var partners = new Dictionary<long, int>();
        var led = all.Where(m => m.Rank == MemberRank.Agent && m.LeaderId != null).GroupBy(m => m.LeaderId!.Value).ToDictionary(g => g.Key, g => g.Count());
        foreach (var m in all)
            foreach (var a in Member.ParsePath(m.Path))
            {
                size[a] = size.GetValueOrDefault(a) + 1;
                if (m.Rank == MemberRank.Agent) agents[a] = agents.GetValueOrDefault(a) + 1;
                if (m.Rank == MemberRank.Partner) partners[a] = partners.GetValueOrDefault(a) + 1;
            }
        var diffs = new List<(TeamCounts, TeamCounts)>();
        foreach (var m in all)
        {
            var re = new TeamCounts(m.Id, size.GetValueOrDefault(m.Id), agents.GetValueOrDefault(m.Id), partners.GetValueOrDefault(m.Id), led.GetValueOrDefault(m.Id));
            var cached = new TeamCounts(m.Id, m.TeamSize, m.TeamAgents, m.TeamPartners, m.LedAgents);
            if (re != cached) diffs.Add((cached, re));
        }
        if (fix)
            foreach (var (_, re) in diffs)
                await db.Members.Where(x => x.Id == re.MemberId).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.TeamSize, re.TeamSize).SetProperty(x => x.TeamAgents, re.TeamAgents)
                    .SetProperty(x => x.TeamPartners, re.TeamPartners).SetProperty(x => x.LedAgents, re.LedAgents), ct);
        return diffs;
    }

    private static IQueryable<MemberSummary> Summaries(IQueryable<Member> q) => q.AsNoTracking().Select(m =>
        new MemberSummary(m.Id, m.ExternalId, m.Rank, m.ReferrerId, m.LeaderId, m.Depth, m.QualifiedReferrals, m.TeamSize, m.TeamAgents, m.TeamPartners));
}
