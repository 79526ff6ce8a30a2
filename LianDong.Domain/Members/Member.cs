namespace LianDong.Domain.Members;

public enum MemberRank { Member = 0, Agent = 1, Partner = 2 }

/// <summary>
/// A platform member. The referral edge (<see cref="ReferrerId"/>, <see cref="Path"/>, <see cref="Depth"/>) is set once
/// at registration and never changes. <see cref="Path"/> is the materialized list of ancestor ids, root first
/// ("/1/7/42/"), so ancestors are one indexed lookup and a subtree is one index range.
/// The Team* counters (and <see cref="LedAgents"/>) cache the number of descendants by rank; they are changed only by set-based updates along
/// the ancestor path in the same transaction as the change that causes them (see MemberTreeWriter).
/// </summary>
public class Member
{
    public long Id { get; private set; }
    /// <summary>The storefront's member id (the scenario name in replay).</summary>
    public string ExternalId { get; private set; } = "";
    public long? ReferrerId { get; private set; }
    public string Path { get; private set; } = "/";
    public int Depth { get; private set; }
    public DateTimeOffset RegisteredAt { get; private set; }
    /// <summary>Display name and phone, for the console's search (prefix on name, exact on phone).</summary>
    public string? Name { get; private set; }
    public string? Phone { get; private set; }

    public MemberRank Rank { get; private set; }
    public long? LeaderId { get; private set; }
    public long? FormerLeaderId { get; private set; }
    public long? PeerBeneficiaryId { get; private set; }
    public int QualifiedReferrals { get; private set; }
    /// <summary>The seed's most recent channel task (section 5); null when it never had one.</summary>
    public long? LatestTaskId { get; private set; }

    public int TeamSize { get; private set; }
    public int TeamAgents { get; private set; }
    public int TeamPartners { get; private set; }
    /// <summary>Cached number of Agents whose team leader is this member (the 团队 a Partner leads).</summary>
    public int LedAgents { get; private set; }

    private Member() { }

    public Member(string externalId, Member? referrer, DateTimeOffset registeredAt, string? name = null, string? phone = null)
    {
        Name = name;
        Phone = phone;
        if (string.IsNullOrWhiteSpace(externalId)) throw new ArgumentException("Member id is required.", nameof(externalId));
        ExternalId = externalId;
        ReferrerId = referrer?.Id;
        Path = referrer is null ? "/" : referrer.Path + referrer.Id + "/";
        Depth = referrer is null ? 0 : referrer.Depth + 1;
        RegisteredAt = registeredAt;
        Rank = MemberRank.Member;
    }

    /// <summary>Ancestor ids, root first; the last one is the referrer.</summary>
    public IReadOnlyList<long> AncestorIds => ParsePath(Path);

    /// <summary>The prefix every descendant's <see cref="Path"/> starts with.</summary>
    public string DescendantPathPrefix => Path + Id + "/";

    public static IReadOnlyList<long> ParsePath(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();

    /// <summary>Upper bound (exclusive) of paths starting with <paramref name="prefix"/>: '/' + 1 is '0'.</summary>
    public static string PathUpperBound(string prefix) => prefix[..^1] + "0";

    internal void BecomeAgent(long? leaderId)
    {
        if (Rank != MemberRank.Member) throw new InvalidOperationException($"Member {ExternalId} is {Rank}, not a Member.");
        Rank = MemberRank.Agent;
        LeaderId = leaderId;
    }

    internal void CountQualifiedReferral() => QualifiedReferrals++;

    internal void UncountQualifiedReferral()
    {
        if (QualifiedReferrals <= 0) throw new InvalidOperationException($"Member {ExternalId} has no counted referral to take back.");
        QualifiedReferrals--;
    }

    internal void BecomePartner(long? peerBeneficiaryId)
    {
        if (Rank == MemberRank.Partner) throw new InvalidOperationException($"Member {ExternalId} is already a Partner.");
        if (Rank == MemberRank.Agent) FormerLeaderId = LeaderId;
        Rank = MemberRank.Partner;
        LeaderId = null;
        PeerBeneficiaryId = peerBeneficiaryId;
    }

    internal void RevertToMember()
    {
        if (Rank != MemberRank.Agent) throw new InvalidOperationException($"Only an Agent goes back to Member; {ExternalId} is {Rank}.");
        Rank = MemberRank.Member;
        LeaderId = null;
    }

    internal void SetLatestTask(long taskId) => LatestTaskId = taskId;
}

/// <summary>One rank change of a member, kept forever (rank history).</summary>
public class MemberRankChange
{
    public long Id { get; private set; }
    public long MemberId { get; private set; }
    public MemberRank FromRank { get; private set; }
    public MemberRank ToRank { get; private set; }
    public DateTimeOffset At { get; private set; }
    /// <summary>qualifyingOrder, upgrade, appointment or refund.</summary>
    public string Reason { get; private set; } = "";
    public long? OrderId { get; private set; }

    private MemberRankChange() { }

    public MemberRankChange(long memberId, MemberRank from, MemberRank to, DateTimeOffset at, string reason, long? orderId)
    {
        MemberId = memberId; FromRank = from; ToRank = to; At = at; Reason = reason; OrderId = orderId;
    }
}
