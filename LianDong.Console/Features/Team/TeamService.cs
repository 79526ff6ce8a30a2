using LianDong.Console.Security;
using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Team;

/// <summary>One member as the tree shows it. "Slid to" is set when the referrer is a Partner but the member is an Agent in another team.</summary>
public sealed record MemberNode(long Id, string ExternalId, string? Name, MemberRank Rank, long? LeaderId, string? Leader, string? FormerLeader, string? SlidTo,
    int TeamSize, int TeamAgents, int TeamPartners, int LedAgents)
{
    public string Label => string.IsNullOrEmpty(Name) ? ExternalId : $"{Name} ({ExternalId})";
}

/// <summary>One page of a parent's children, and how many children it has in all (an index range count).</summary>
public sealed record NodePage(IReadOnlyList<MemberNode> Nodes, bool HasMore, long Total);

/// <summary>Up to a page of members matching a search, and how many match in all.</summary>
public sealed record SearchResult(IReadOnlyList<MemberNode> Matches, long Total);

/// <summary>
/// The team tree's reads: a member's direct referrals or a partner's team a keyset page at a time, a search, and the path
/// from the root to a member. Each is a bounded number of index lookups (see docs/rules-engine.md, "Queries").
/// </summary>
public sealed class TeamService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current)
{
    /// <summary>Children shown per page: a node with 10,000 direct referrals opens with these and a "load more" row.</summary>
    public const int PageSize = 100;

    /// <summary>A member's direct referrals after <paramref name="afterId"/>, keyset-paged over the (ReferrerId, Id) index.</summary>
    public async Task<NodePage> GetReferralsAsync(long memberId, long afterId = 0, int take = PageSize, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await PageAsync(db, db.Members.Where(m => m.ReferrerId == memberId), afterId, take, ct);
    }

    /// <summary>The Agents a Partner leads (its 团队), keyset-paged over the (LeaderId, Id) index.</summary>
    public async Task<NodePage> GetTeamAsync(long partnerId, long afterId = 0, int take = PageSize, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await PageAsync(db, db.Members.Where(m => m.LeaderId == partnerId), afterId, take, ct);
    }

    private static async Task<NodePage> PageAsync(LianDongDbContext db, IQueryable<Member> children, long afterId, int take, CancellationToken ct)
    {
        var rows = await children.AsNoTracking().Where(m => m.Id > afterId).OrderBy(m => m.Id).Take(take + 1).ToListAsync(ct);
        var total = await children.LongCountAsync(ct);
        return new NodePage(await NodesAsync(db, rows.Take(take).ToList(), ct), rows.Count > take, total);
    }

    /// <summary>
    /// Exact member id or phone, or a name prefix: the first <paramref name="take"/> (exact id first, then phone, then
    /// names in order) and how many match in all (each test an index lookup or range).
    /// </summary>
    public async Task<SearchResult> SearchAsync(string text, int take = 20, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        if (string.IsNullOrWhiteSpace(text)) return new([], 0);
        text = text.Trim();
        var upper = text + '\uffff';
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Members.AsNoTracking().Where(m => m.ExternalId == text).ToListAsync(ct);
        rows.AddRange(await db.Members.AsNoTracking().Where(m => m.Phone == text).OrderBy(m => m.Id).Take(take).ToListAsync(ct));
        rows.AddRange(await db.Members.AsNoTracking()
            .Where(m => m.Name != null && string.Compare(m.Name, text) >= 0 && string.Compare(m.Name, upper) < 0)
            .OrderBy(m => m.Name).ThenBy(m => m.Id).Take(take).ToListAsync(ct));
        var total = await db.Members.AsNoTracking().LongCountAsync(m => m.ExternalId == text || m.Phone == text
            || (m.Name != null && string.Compare(m.Name, text) >= 0 && string.Compare(m.Name, upper) < 0), ct);
        return new(await NodesAsync(db, rows.DistinctBy(m => m.Id).Take(take).ToList(), ct), total);
    }

    /// <summary>The member and its ancestors, root first (the path the tree expands to show it).</summary>
    public async Task<IReadOnlyList<MemberNode>> GetPathAsync(long memberId, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memberId, ct);
        if (member is null) return [];
        var ids = member.AncestorIds.ToArray();
        var ancestors = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).OrderBy(m => m.Depth).ToListAsync(ct);
        return await NodesAsync(db, [.. ancestors, member], ct);
    }

    public async Task<MemberNode?> GetNodeAsync(long memberId, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Members.AsNoTracking().Where(m => m.Id == memberId).ToListAsync(ct);
        return (await NodesAsync(db, rows, ct)).FirstOrDefault();
    }

    /// <summary>The roots of the forest (members without a referrer), keyset-paged.</summary>
    public async Task<NodePage> GetRootsAsync(long afterId = 0, int take = PageSize, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await PageAsync(db, db.Members.Where(m => m.ReferrerId == null), afterId, take, ct);
    }

    /// <summary>Names of leaders, former leaders and referrers of one page: one IN query.</summary>
    private static async Task<IReadOnlyList<MemberNode>> NodesAsync(LianDongDbContext db, IReadOnlyList<Member> rows, CancellationToken ct)
    {
        var ids = rows.SelectMany(m => new[] { m.LeaderId, m.FormerLeaderId, m.ReferrerId }).OfType<long>().Distinct().ToArray();
        var related = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.ExternalId, m.Name, m.Rank }).ToDictionaryAsync(m => m.Id, ct);
        string? LabelOf(long? id) => id is { } v && related.TryGetValue(v, out var r) ? (string.IsNullOrEmpty(r.Name) ? r.ExternalId : $"{r.Name} ({r.ExternalId})") : null;
        return rows.Select(m =>
        {
            var slid = m.Rank == MemberRank.Agent && m.ReferrerId is { } rid && related.TryGetValue(rid, out var referrer)
                && referrer.Rank == MemberRank.Partner && m.LeaderId != rid ? LabelOf(m.LeaderId) ?? TeamText.Get("Platform") : null;
            return new MemberNode(m.Id, m.ExternalId, m.Name, m.Rank, m.LeaderId, LabelOf(m.LeaderId), LabelOf(m.FormerLeaderId), slid,
                m.TeamSize, m.TeamAgents, m.TeamPartners, m.LedAgents);
        }).ToList();
    }
}
