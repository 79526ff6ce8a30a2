using LianDong.Domain;
using LianDong.Domain.Engine;
using LianDong.Domain.Members;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Tasks;

namespace LianDong.Tests.Domain;

/// <summary>Issue 13: a percent share is amount × percent / 100 without wrapping around, for any amount.</summary>
public class MoneyOverflowTests
{
    private static MemberState M(long id, int depth, MemberRank rank, long? referrer = null) =>
        new(id, depth, rank, referrer, null, null, 0, null, null);

    [Fact]
    public void A_retail_share_of_a_huge_amount_is_exact_not_wrapped()
    {
        const long amount = long.MaxValue / 10; // amount × 12 wraps in 64 bits
        var rules = RuleParameters.Defaults with { RetailLevel1Percent = 12, RetailLevel2Percent = 3, RetailPartnerPercent = 2 };
        var (entries, withheld) = RetailCommissionCalculator.ForRetailOrder(new RetailOrderInput(
            M(3, 2, MemberRank.Member, 2), M(2, 1, MemberRank.Agent, 1), M(1, 0, MemberRank.Agent), null, amount, rules));
        Assert.Empty(withheld);
        Assert.Equal((long)((Int128)amount * 12 / 100), entries.Single(e => e.Slot == RetailCommissionCalculator.SlotLevel1).AmountFen);
        Assert.Equal((long)((Int128)amount * 3 / 100), entries.Single(e => e.Slot == RetailCommissionCalculator.SlotLevel2).AmountFen);
    }

    [Fact]
    public void A_frozen_share_of_a_huge_amount_is_exact()
    {
        var (pending, frozen) = FreezePolicy.Split(long.MaxValue / 4, 20, ChannelTaskStatus.Open);
        Assert.Equal((long)((Int128)(long.MaxValue / 4) * 20 / 100), frozen);
        Assert.Equal(long.MaxValue / 4 - frozen, pending);
    }

    [Fact]
    public void Percent_shares_never_wrap_and_the_limits_keep_them_far_from_it()
    {
        Assert.Equal(3_000_000, FenMath.PercentOf(InputLimits.MaxOrderAmountFen, 3));
        Assert.Equal(long.MaxValue, FenMath.PercentOf(long.MaxValue, 100));
        Assert.Throws<OverflowException>(() => FenMath.PercentOf(long.MaxValue, 101));
    }

    [Fact]
    public void Rule_set_rewards_above_the_maximum_are_refused_and_a_huge_draft_fails_the_payout_limit()
    {
        var huge = RuleParameters.Defaults with { SeePointRewardFen = long.MaxValue, DirectAgentFen = long.MaxValue };
        Assert.Contains(RuleSetValidator.Validate(huge), e => e.StartsWith("seePointRewardFen is 9223372036854775807 fen", StringComparison.Ordinal));
        Assert.NotNull(RuleSetValidator.CheckPack("GP", InputLimits.MaxPackPriceFen, 0, huge)); // no wrap-around to a "pass"
    }

    [Theory]
    [InlineData(10_000_001, 0, "priceFen is 10000001 fen (¥100,000.01), it must be from 1 fen to 10000000 fen (¥0.01 to ¥100,000.00)")]
    [InlineData(49_900, 49_901, "costFen is 49901 fen (¥499.01), above priceFen 49900 fen (¥499.00); the cost must be from 0 to the price")]
    public void Pack_figures_have_a_range(long price, long cost, string message) =>
        Assert.Equal(message, Assert.Single(RuleSetValidator.ValidatePackFigures(price, cost)));

    [Fact]
    public void Yuan_text_for_the_limits()
    {
        Assert.Equal("¥1,000,000.00", Money.FromFen(InputLimits.MaxOrderAmountFen).ToString());
        Assert.Equal("¥0.01", Money.FromFen(1).ToString());
        Assert.Equal("-¥92,233,720,368,547,758.08", Money.FromFen(long.MinValue).ToString());
    }
}
