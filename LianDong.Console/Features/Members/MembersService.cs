using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Members;

public sealed record MemberRow(long Id, string ExternalId, string? Name, string? Phone, MemberRank Rank, DateTimeOffset RegisteredAt,
    int QualifiedReferrals, int TeamSize, int TeamAgents, int TeamPartners);

public sealed record RelatedMember(long Id, string ExternalId, string? Name, MemberRank Rank)
{
    public string Label => string.IsNullOrEmpty(Name) ? ExternalId : $"{Name} ({ExternalId})";
}

public sealed record RankChangeRow(MemberRank From, MemberRank To, DateTimeOffset At, string Reason);

public sealed record TaskRow(long Id, string Seed, string Partner, LianDong.Domain.Rules.ChannelTaskKind Kind, int Target, int Progress,
    DateTimeOffset CreatedAt, DateTimeOffset Deadline, ChannelTaskStatus Status, long FrozenFen);

public sealed record MemberDetail(MemberRow Member, RelatedMember? Referrer, RelatedMember? Leader, RelatedMember? FormerLeader,
    RelatedMember? PeerBeneficiary, IReadOnlyList<RelatedMember> Chain, IReadOnlyList<RankChangeRow> RankHistory,
    IReadOnlyList<TaskRow> Tasks, MemberBalances Balances, int LedAgents);

public sealed record EntryFilter(EntryKind? Kind, EntryStatus? Status, DateOnly? From, DateOnly? To);

public sealed record LedgerRow(long Id, EntryKind Kind, long AmountFen, EntryStatus Status, string? Order, DateOnly PostingDate, DateOnly SettlesOn, long? TaskId);

/// <summary>
/// The members list (server-paged), a member's detail page, its ledger, and appointing a seed partner. Admins and finance
/// read (finance read-only); only admins appoint.
/// </summary>
public sealed class MembersService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, RewardEngineService engine,
    LedgerService ledger, TimeProvider time)
{
    /// <summary>The sorts the list offers, each an indexed ORDER BY with the id as tie-breaker; anything else is newest first.</summary>
    public const string SortByMemberId = "ExternalId", SortByName = "Name";

    private Task<string> RequireReaderAsync() => current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);

    /// <summary>
    /// One page of members and how many match. Rank alone is counted from the roots' subtree counters
    /// (<see cref="MemberCounts"/>, as the dashboard does), not by scanning a million members; a text (member id or name prefix, or an
    /// exact phone) is counted over its index ranges.
    /// </summary>
    public async Task<(IReadOnlyList<MemberRow> Rows, long Total)> PageAsync(MemberRank? rank, string? text, string? sortBy, bool descending,
        int skip, int take, CancellationToken ct = default)
    {
        await RequireReaderAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.Members.AsNoTracking();
        if (rank is { } r) q = q.Where(m => m.Rank == r);
        text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (text is not null)
        {
            var upper = text + '\uffff';
            q = q.Where(m => (string.Compare(m.ExternalId, text) >= 0 && string.Compare(m.ExternalId, upper) < 0)
                || (m.Name != null && string.Compare(m.Name, text) >= 0 && string.Compare(m.Name, upper) < 0)
                || m.Phone == text);
        }
        var ordered = sortBy switch
        {
            SortByMemberId => descending ? q.OrderByDescending(m => m.ExternalId) : q.OrderBy(m => m.ExternalId),
            SortByName => descending ? q.OrderByDescending(m => m.Name).ThenByDescending(m => m.Id) : q.OrderBy(m => m.Name).ThenBy(m => m.Id),
            _ => q.OrderByDescending(m => m.Id),
        };
        var rows = await ordered.Skip(skip).Take(take).Select(Row).ToListAsync(ct);
        var total = text is null ? (await MemberCounts.ReadAsync(db, ct)).Of(rank) : await q.LongCountAsync(ct);
        return (rows, total);
    }

    private static readonly System.Linq.Expressions.Expression<Func<Member, MemberRow>> Row = m =>
        new MemberRow(m.Id, m.ExternalId, m.Name, m.Phone, m.Rank, m.RegisteredAt, m.QualifiedReferrals, m.TeamSize, m.TeamAgents, m.TeamPartners);

    public async Task<MemberDetail?> GetAsync(string externalId, CancellationToken ct = default)
    {
        await RequireReaderAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var m = await db.Members.AsNoTracking().FirstOrDefaultAsync(x => x.ExternalId == externalId, ct);
        if (m is null) return null;
        var ids = m.AncestorIds.Concat(new[] { m.LeaderId, m.FormerLeaderId, m.PeerBeneficiaryId }.OfType<long>()).Distinct().ToArray();
        var related = await db.Members.AsNoTracking().Where(x => ids.Contains(x.Id))
            .Select(x => new { x.Id, x.Depth, R = new RelatedMember(x.Id, x.ExternalId, x.Name, x.Rank) }).ToListAsync(ct);
        RelatedMember? Of(long? id) => related.FirstOrDefault(x => x.Id == id)?.R;
        var chain = related.Where(x => m.AncestorIds.Contains(x.Id)).OrderByDescending(x => x.Depth).Select(x => x.R).ToList();
        var history = await db.MemberRankChanges.AsNoTracking().Where(c => c.MemberId == m.Id).OrderBy(c => c.Id)
            .Select(c => new RankChangeRow(c.FromRank, c.ToRank, c.At, c.Reason)).ToListAsync(ct);
        var tasks = await TasksAsync(db, db.ChannelTasks.Where(t => t.SeedMemberId == m.Id || t.PartnerId == m.Id).OrderByDescending(t => t.Id).Take(50), ct);
        var balances = await ledger.GetBalancesAsync(m.Id, ct);
        var row = new MemberRow(m.Id, m.ExternalId, m.Name, m.Phone, m.Rank, m.RegisteredAt, m.QualifiedReferrals, m.TeamSize, m.TeamAgents, m.TeamPartners);
        return new MemberDetail(row, Of(m.ReferrerId), Of(m.LeaderId), Of(m.FormerLeaderId), Of(m.PeerBeneficiaryId), chain, history, tasks, balances, m.LedAgents);
    }

    internal static async Task<IReadOnlyList<TaskRow>> TasksAsync(LianDongDbContext db, IQueryable<ChannelTask> tasks, CancellationToken ct)
    {
        var list = await tasks.AsNoTracking().ToListAsync(ct);
        var taskIds = list.Select(t => (long?)t.Id).ToArray();
        var frozen = await db.LedgerEntries.AsNoTracking().Where(e => e.Status == EntryStatus.Frozen && taskIds.Contains(e.ChannelTaskId))
            .GroupBy(e => e.ChannelTaskId).Select(g => new { Id = g.Key, Sum = g.Sum(e => e.AmountFen) }).ToListAsync(ct);
        var memberIds = list.SelectMany(t => new[] { t.SeedMemberId, t.PartnerId }).Distinct().ToArray();
        var names = await db.Members.AsNoTracking().Where(x => memberIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.ExternalId, ct);
        return list.Select(t => new TaskRow(t.Id, names[t.SeedMemberId], names[t.PartnerId], t.Kind, t.Target, t.Progress, t.CreatedAt, t.Deadline, t.Status,
            frozen.FirstOrDefault(f => f.Id == t.Id)?.Sum ?? 0)).ToList();
    }

    /// <summary>
    /// A page of a member's ledger entries, newest first, filtered by kind, status and posting date, and how many match:
    /// both over the (BeneficiaryId, Id) index, so a member with many entries costs one index range.
    /// </summary>
    public async Task<(IReadOnlyList<LedgerRow> Rows, long Total)> GetEntriesAsync(long memberId, EntryFilter filter, int skip, int take,
        CancellationToken ct = default)
    {
        await RequireReaderAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = db.LedgerEntries.AsNoTracking().Where(e => e.BeneficiaryId == memberId);
        if (filter.Kind is { } k) q = q.Where(e => e.Kind == k);
        if (filter.Status is { } s) q = q.Where(e => e.Status == s);
        if (filter.From is { } f) q = q.Where(e => e.PostingDate >= f);
        if (filter.To is { } t) q = q.Where(e => e.PostingDate <= t);
        var rows = await q.OrderByDescending(e => e.Id).Skip(skip).Take(take)
            .Select(e => new LedgerRow(e.Id, e.Kind, e.AmountFen, e.Status, db.Orders.Where(o => o.Id == e.OrderId).Select(o => o.ExternalId).FirstOrDefault(),
                e.PostingDate, e.SettlesOn, e.ChannelTaskId)).ToListAsync(ct);
        return (rows, await q.LongCountAsync(ct));
    }

    /// <summary>Appoints a seed partner (the engine audits it). Refusals come back as a message.</summary>
    public async Task<Shared.Outcome> AppointPartnerAsync(string externalId, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        try
        {
            var outcome = await engine.AppointPartnerAsync(new AppointPartner(externalId, actor, time.GetUtcNow()), ct);
            return outcome == ApplyOutcome.AlreadyApplied ? Shared.Outcome.Fail(MembersText.Format("AlreadyPartner", externalId)) : Shared.Outcome.Success;
        }
        catch (UnknownReferenceException)
        {
            return Shared.Outcome.Fail(MembersText.Format("NotFound", externalId));
        }
        catch (EngineRuleException)
        {
            return Shared.Outcome.Fail(MembersText.Format("AppointRefused", externalId));
        }
    }
}
