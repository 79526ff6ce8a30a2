using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Rules;
using LianDong.Domain.Tasks;

namespace LianDong.Domain.Rewards;

/// <summary>
/// One reward to post. A split reward is two of these (one <see cref="Frozen"/>). <see cref="FreezeSeedId"/> is the
/// seed whose latest task a frozen share is tied to. <see cref="Slot"/> tells two shares of one order to the same
/// member apart in the idempotency key.
/// </summary>
public sealed record PlannedEntry(long BeneficiaryId, EntryKind Kind, string Slot, long AmountFen, bool Frozen, long? FreezeSeedId, int Distance);

public sealed record PlannedWithheld(long BeneficiaryId, EntryKind Kind, string Slot, long AmountFen, int Distance, string Reason);

public sealed record QualifyingOrderPlan(
    long? LeaderId,
    long? SeedTaskPartnerId,
    IReadOnlyList<PlannedEntry> Entries,
    IReadOnlyList<PlannedWithheld> Withheld,
    bool CountsForReferrer,
    bool ReferrerBecomesPartner,
    long? ReferrerPeerBeneficiaryId);

/// <summary>
/// What the state before a qualifying order says must happen (section 3, steps 1–4; step 5 is the caller's,
/// after posting). All members passed in are snapshots taken before the event.
/// </summary>
public sealed record QualifyingOrderInput(
    MemberState Buyer,
    MemberState? Referrer,
    MemberState? ReferrersReferrer,
    MemberState? Leader,
    MemberState? SeedOfLeader,
    RuleParameters Rules);

public static class RewardCalculator
{
    public const string SlotDirect = "Direct", SlotSeePoint = "SeePoint", SlotPeer = "Peer", SlotPeerOneTime = "PeerOneTime";

    public static QualifyingOrderPlan ForQualifyingOrder(QualifyingOrderInput input)
    {
        var (b, r, rr, l, seedOfL, rules) = (input.Buyer, input.Referrer, input.ReferrersReferrer, input.Leader, input.SeedOfLeader, input.Rules);
        if (b.Rank != MemberRank.Member) throw new ArgumentException("Only a Member's pack order qualifies.", nameof(input));
        if (l is not null && l.Rank != MemberRank.Partner) throw new ArgumentException("A team leader is always a Partner.", nameof(input));

        var entries = new List<PlannedEntry>();
        var withheld = new List<PlannedWithheld>();

        // Step 1: placement. B becomes a seed of R (with a fresh Open task) when R is a Partner.
        var seedTaskPartner = r is { Rank: MemberRank.Partner } ? r.Id : (long?)null;
        ChannelTaskStatus? SeedStatus(MemberState seed) =>
            seed.Id == b.Id ? (seedTaskPartner is not null ? ChannelTaskStatus.Open : b.LatestTaskStatus) : seed.LatestTaskStatus;

        // Step 2: 直推奖 by R's rank at this moment.
        if (r is { Rank: MemberRank.Agent or MemberRank.Partner })
        {
            var amount = r.Rank == MemberRank.Partner ? rules.DirectPartnerFen : rules.DirectAgentFen;
            AddFreezable(entries, withheld, rules, r.Id, EntryKind.Direct, SlotDirect, amount, b.Depth - r.Depth, b.Id, SeedStatus(b));
        }

        // Step 3: 见点奖 to the leader, and the 平级奖 checked on its own.
        if (l is not null)
        {
            var seed = seedOfL ?? throw new ArgumentException("The seed of the buyer with respect to its leader is required.", nameof(input));
            AddFreezable(entries, withheld, rules, l.Id, EntryKind.SeePoint, SlotSeePoint, rules.SeePointRewardFen,
                b.Depth - l.Depth, seed.Id, SeedStatus(seed));
            if (rules.PeerMode == PeerRewardMode.PercentOfSeePoint && l.PeerBeneficiaryId is long q)
                AddPlain(entries, withheld, rules, q, EntryKind.Peer, SlotPeer, FenMath.PercentOf(rules.SeePointRewardFen, rules.PeerPercent),
                    b.Depth - (l.Depth - 1));
        }

        // Step 4: upgrade of an Agent referrer.
        var counts = r is { Rank: MemberRank.Agent };
        var becomesPartner = counts && r!.QualifiedReferrals + 1 >= rules.UpgradeThreshold;
        var peer = becomesPartner ? PlacementPolicy.PeerBeneficiaryFor(rr) : null;
        if (becomesPartner && rules.PeerMode == PeerRewardMode.OneTime && peer is long oneTimeQ)
            AddPlain(entries, withheld, rules, oneTimeQ, EntryKind.Peer, SlotPeerOneTime, rules.PeerAmountFen, b.Depth - rr!.Depth);

        if (entries.Select(e => e.BeneficiaryId).Distinct().Count() > ComplianceChecker.MaxBeneficiariesPerOrder)
            throw new InvalidOperationException("An order may pay at most 3 distinct beneficiaries.");

        return new QualifyingOrderPlan(PlacementLeader(r, l), seedTaskPartner, entries, withheld, counts, becomesPartner, peer);
    }

    /// <summary>B's leader is teamOf(R), computed before any upgrade; a buyer without referrer has none.</summary>
    private static long? PlacementLeader(MemberState? r, MemberState? teamOfR) => r is null ? null : teamOfR?.Id;

    internal static void AddFreezable(List<PlannedEntry> entries, List<PlannedWithheld> withheld, RuleParameters rules,
        long beneficiary, EntryKind kind, string slot, long amountFen, int distance, long seedId, ChannelTaskStatus? seedStatus)
    {
        if (amountFen <= 0) return;
        if (!ComplianceChecker.WithinDistance(distance, rules.MaxReferralDistance))
        {
            withheld.Add(new PlannedWithheld(beneficiary, kind, slot, amountFen, distance, WithheldReward.ReasonMaxReferralDistance));
            return;
        }
        var (pending, frozen) = FreezePolicy.Split(amountFen, rules.FreezePercent, seedStatus);
        if (pending > 0) entries.Add(new PlannedEntry(beneficiary, kind, slot, pending, false, null, distance));
        if (frozen > 0) entries.Add(new PlannedEntry(beneficiary, kind, slot, frozen, true, seedId, distance));
    }

    internal static void AddPlain(List<PlannedEntry> entries, List<PlannedWithheld> withheld, RuleParameters rules,
        long beneficiary, EntryKind kind, string slot, long amountFen, int distance)
    {
        if (amountFen <= 0) return;
        if (!ComplianceChecker.WithinDistance(distance, rules.MaxReferralDistance))
            withheld.Add(new PlannedWithheld(beneficiary, kind, slot, amountFen, distance, WithheldReward.ReasonMaxReferralDistance));
        else
            entries.Add(new PlannedEntry(beneficiary, kind, slot, amountFen, false, null, distance));
    }
}

public sealed record RetailOrderInput(
    MemberState Buyer, MemberState? Level1, MemberState? Level2, MemberState? Team, long AmountFen, RuleParameters Rules);

/// <summary>零售佣金 (section 8): three shares, each its own entry, never frozen.</summary>
public static class RetailCommissionCalculator
{
    public const string SlotLevel1 = "RetailL1", SlotLevel2 = "RetailL2", SlotTeam = "RetailTeam";

    public static (IReadOnlyList<PlannedEntry> Entries, IReadOnlyList<PlannedWithheld> Withheld) ForRetailOrder(RetailOrderInput input)
    {
        if (input.AmountFen <= 0) throw new ArgumentOutOfRangeException(nameof(input), "A retail amount must be positive.");
        var entries = new List<PlannedEntry>();
        var withheld = new List<PlannedWithheld>();
        var rules = input.Rules;
        void Share(MemberState? m, string slot, int percent)
        {
            if (m is null || m.Id == input.Buyer.Id || m.Rank == MemberRank.Member) return;
            RewardCalculator.AddPlain(entries, withheld, rules, m.Id, EntryKind.Retail, slot, FenMath.PercentOf(input.AmountFen, percent), input.Buyer.Depth - m.Depth);
        }
        Share(input.Level1, SlotLevel1, rules.RetailLevel1Percent);
        Share(input.Level2, SlotLevel2, rules.RetailLevel2Percent);
        Share(input.Team, SlotTeam, rules.RetailPartnerPercent);
        return (entries, withheld);
    }
}
