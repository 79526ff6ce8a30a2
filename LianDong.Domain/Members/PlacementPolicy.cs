using LianDong.Domain.Tasks;

namespace LianDong.Domain.Members;

/// <summary>What the pure rules need to know about one member at the moment of an event.</summary>
public sealed record MemberState(
    long Id, int Depth, MemberRank Rank, long? ReferrerId, long? LeaderId, long? PeerBeneficiaryId,
    int QualifiedReferrals, long? LatestTaskId, ChannelTaskStatus? LatestTaskStatus);

/// <summary>Team placement (sections 1 and 3 step 1).</summary>
public static class PlacementPolicy
{
    /// <summary>
    /// teamOf(X) for <paramref name="chainNearestFirst"/> = [X, referrer(X), referrer(referrer(X)), …]:
    /// X if a Partner, X's leader if an Agent, else teamOf(referrer). <c>Resolved</c> is false when the chain
    /// ran out on a Member that still has a referrer (the caller loads more ancestors and asks again).
    /// </summary>
    public static (bool Resolved, long? TeamId) TeamOf(IReadOnlyList<MemberState> chainNearestFirst)
    {
        foreach (var m in chainNearestFirst)
        {
            switch (m.Rank)
            {
                case MemberRank.Partner: return (true, m.Id);
                case MemberRank.Agent: return (true, m.LeaderId);
                default:
                    if (m.ReferrerId is null) return (true, null);
                    break;
            }
        }
        return (false, null);
    }

    /// <summary>Section 4: a new Partner's peer beneficiary is its referrer if that member is a Partner at that moment.</summary>
    public static long? PeerBeneficiaryFor(MemberState? referrerOfNewPartner) =>
        referrerOfNewPartner is { Rank: MemberRank.Partner } ? referrerOfNewPartner.Id : null;
}
