using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Tasks;

namespace LianDong.Tests.Domain;

public class RewardCalculatorTests
{
    private static MemberState M(long id, int depth, MemberRank rank, long? referrer = null, long? leader = null, long? peer = null,
        int count = 0, ChannelTaskStatus? task = null) =>
        new(id, depth, rank, referrer, leader, peer, count, task is null ? null : id * 100, task);

    private static readonly RuleParameters Defaults = RuleParameters.Defaults;

    [Fact]
    public void Agent_referrer_without_leader_gets_the_direct_reward_and_counts_the_referral()
    {
        var a = M(1, 0, MemberRank.Agent);
        var b = M(2, 1, MemberRank.Member, referrer: 1);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, a, null, null, null, Defaults));
        Assert.Null(plan.LeaderId);
        Assert.Null(plan.SeedTaskPartnerId);
        var e = Assert.Single(plan.Entries);
        Assert.Equal((1L, EntryKind.Direct, 10000L, false), (e.BeneficiaryId, e.Kind, e.AmountFen, e.Frozen));
        Assert.True(plan.CountsForReferrer);
        Assert.False(plan.ReferrerBecomesPartner);
    }

    [Fact]
    public void Second_counted_referral_upgrades_the_agent_with_a_partner_referrer_as_peer_beneficiary()
    {
        var p = M(1, 0, MemberRank.Partner);
        var r = M(2, 1, MemberRank.Agent, referrer: 1, leader: 1, count: 1);
        var b = M(3, 2, MemberRank.Member, referrer: 2);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, r, p, p, r, Defaults));
        Assert.Equal(1, plan.LeaderId); // placed in the old team (走2) before the upgrade
        Assert.True(plan.ReferrerBecomesPartner);
        Assert.Equal(1, plan.ReferrerPeerBeneficiaryId);
    }

    [Fact]
    public void Partner_referrer_makes_the_buyer_a_seed_and_both_rewards_are_split_by_the_open_task()
    {
        var a = M(1, 0, MemberRank.Partner);
        var d = M(4, 1, MemberRank.Member, referrer: 1);
        var plan = RewardCalculator.ForQualifyingOrder(new(d, a, null, a, d, Defaults));
        Assert.Equal(1, plan.SeedTaskPartnerId);
        Assert.Equal(1, plan.LeaderId);
        var got = plan.Entries.Select(e => (e.Kind, e.AmountFen, e.Frozen, e.FreezeSeedId)).ToList();
        Assert.Equal([(EntryKind.Direct, 8000L, false, (long?)null), (EntryKind.Direct, 2000L, true, 4L),
            (EntryKind.SeePoint, 16000L, false, null), (EntryKind.SeePoint, 4000L, true, 4L)], got);
        Assert.False(plan.CountsForReferrer);
    }

    [Fact]
    public void See_point_is_not_frozen_when_the_seeds_task_is_completed_and_peer_gets_its_percent()
    {
        var q = M(1, 0, MemberRank.Partner);
        var l = M(2, 1, MemberRank.Partner, referrer: 1, peer: 1);
        var seed = M(3, 2, MemberRank.Agent, referrer: 2, leader: 2, task: ChannelTaskStatus.Completed);
        var b = M(4, 3, MemberRank.Member, referrer: 3);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, seed, l, l, seed, Defaults));
        Assert.Contains(plan.Entries, e => e is { BeneficiaryId: 2, Kind: EntryKind.SeePoint, AmountFen: 20000, Frozen: false });
        Assert.Contains(plan.Entries, e => e is { BeneficiaryId: 1, Kind: EntryKind.Peer, AmountFen: 2000, Frozen: false });
        Assert.DoesNotContain(plan.Entries, e => e.Frozen);
    }

    [Theory]
    [InlineData(ChannelTaskStatus.Open)]
    [InlineData(ChannelTaskStatus.Expired)]
    [InlineData(ChannelTaskStatus.Cancelled)]
    public void A_seed_that_never_completed_its_task_keeps_costing_its_partner_the_frozen_share(ChannelTaskStatus status)
    {
        var l = M(1, 0, MemberRank.Partner);
        var seed = M(2, 1, MemberRank.Agent, referrer: 1, leader: 1, task: status);
        var b = M(3, 2, MemberRank.Member, referrer: 2);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, seed, l, l, seed, Defaults));
        Assert.Contains(plan.Entries, e => e is { BeneficiaryId: 1, Kind: EntryKind.SeePoint, AmountFen: 4000, Frozen: true, FreezeSeedId: 2 });
    }

    [Fact]
    public void Beyond_max_referral_distance_the_see_point_is_withheld_but_the_peer_is_checked_on_its_own()
    {
        var rules = Defaults with { MaxReferralDistance = 2 };
        // Q(0) → L(1) → x(2) → R(3, Agent in L's team) → B(4): L is 3 steps up, Q is 4.
        var q = M(1, 0, MemberRank.Partner);
        var l = M(2, 1, MemberRank.Partner, referrer: 1, peer: 1);
        var x = M(3, 2, MemberRank.Member, referrer: 2);
        var r = M(4, 3, MemberRank.Agent, referrer: 3, leader: 2);
        var b = M(5, 4, MemberRank.Member, referrer: 4);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, r, x, l, x, rules));
        Assert.Equal([EntryKind.Direct], plan.Entries.Select(e => e.Kind));
        Assert.Equal([(2L, EntryKind.SeePoint, 3), (1L, EntryKind.Peer, 4)], plan.Withheld.Select(w => (w.BeneficiaryId, w.Kind, w.Distance)));
        Assert.All(plan.Withheld, w => Assert.Equal("maxReferralDistance", w.Reason));
    }

    [Fact]
    public void One_time_peer_is_paid_once_on_the_upgrading_order_and_not_per_see_point()
    {
        var rules = Defaults with { PeerMode = PeerRewardMode.OneTime, PeerAmountFen = 1500 };
        var q = M(1, 0, MemberRank.Partner);
        var r = M(2, 1, MemberRank.Agent, referrer: 1, leader: 1, count: 1);
        var b = M(3, 2, MemberRank.Member, referrer: 2);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, r, q, q, r, rules));
        Assert.Contains(plan.Entries, e => e is { BeneficiaryId: 1, Kind: EntryKind.Peer, AmountFen: 1500, Slot: "PeerOneTime" });
        Assert.Equal([1L, 2L], plan.Entries.Select(e => e.BeneficiaryId).Distinct().Order()); // R, and Q who is also the leader
    }

    [Fact]
    public void Member_referrer_earns_nothing_and_nothing_passes_up()
    {
        var a = M(1, 0, MemberRank.Partner);
        var r = M(2, 1, MemberRank.Member, referrer: 1);
        var b = M(3, 2, MemberRank.Member, referrer: 2);
        var plan = RewardCalculator.ForQualifyingOrder(new(b, r, a, a, r, Defaults));
        Assert.DoesNotContain(plan.Entries, e => e.Kind == EntryKind.Direct);
        Assert.False(plan.CountsForReferrer);
        Assert.Equal(1, plan.LeaderId); // teamOf(Member R) = teamOf(A) = A
    }

    [Fact]
    public void Placement_team_of_walks_up_through_members()
    {
        var chain = new[] { M(3, 2, MemberRank.Member, referrer: 2), M(2, 1, MemberRank.Agent, referrer: 1, leader: 9), M(1, 0, MemberRank.Partner) };
        Assert.Equal((true, (long?)9), PlacementPolicy.TeamOf(chain));
        Assert.Equal((false, (long?)null), PlacementPolicy.TeamOf(chain[..1]));
        Assert.Equal((true, (long?)null), PlacementPolicy.TeamOf([M(1, 0, MemberRank.Member)]));
    }

    [Theory]
    [InlineData(10000, 20, null, 10000, 0)]
    [InlineData(10000, 20, ChannelTaskStatus.Completed, 10000, 0)]
    [InlineData(10000, 20, ChannelTaskStatus.Open, 8000, 2000)]
    [InlineData(999, 15, ChannelTaskStatus.Expired, 850, 149)]
    [InlineData(3, 20, ChannelTaskStatus.Open, 3, 0)]
    public void Freeze_split_floors_the_frozen_share(long amount, int percent, ChannelTaskStatus? status, long pending, long frozen) =>
        Assert.Equal((pending, frozen), FreezePolicy.Split(amount, percent, status));

    [Fact]
    public void Retail_pays_two_shares_to_a_member_who_is_both_referrer_and_team()
    {
        var p = M(1, 0, MemberRank.Partner);
        var m = M(2, 1, MemberRank.Member, referrer: 1);
        var (entries, withheld) = RetailCommissionCalculator.ForRetailOrder(new(m, p, null, p, 10001, Defaults));
        Assert.Empty(withheld);
        Assert.Equal([(1L, 1000L, "RetailL1"), (1L, 200L, "RetailTeam")], entries.Select(e => (e.BeneficiaryId, e.AmountFen, e.Slot)));
    }

    [Fact]
    public void Retail_skips_members_and_the_buyer_itself()
    {
        var p = M(1, 0, MemberRank.Partner);
        var r = M(2, 1, MemberRank.Member, referrer: 1);
        var buyer = M(3, 2, MemberRank.Partner, referrer: 2);
        var (entries, _) = RetailCommissionCalculator.ForRetailOrder(new(buyer, r, p, buyer, 10000, Defaults));
        Assert.Equal([(1L, 300L)], entries.Select(e => (e.BeneficiaryId, e.AmountFen)));
    }
}
