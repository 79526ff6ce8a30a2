using LianDong.Domain.Engine;
using LianDong.Domain.Rules;

namespace LianDong.Tests.Domain;

/// <summary>
/// A violation is data for the console and, through ToString(), the English text the HTTP API and the CLI have always
/// given: each kind against the exact text written before violations became records.
/// </summary>
public class RuleViolationTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 4, 0, 0, TimeSpan.Zero);

    public static TheoryData<RuleViolation, string> Texts => new()
    {
        { new BelowMinimum("upgradeThreshold", 0, 1), "upgradeThreshold is 0, 1 below the minimum 1" },
        { new BelowMinimum("minPayoutFen", -5, 0, Fen: true), "minPayoutFen is -5 fen, 5 fen below the minimum 0 fen" },
        { new AboveMaximum("freezePercent", 120, 100), "freezePercent is 120, 20 above the maximum 100" },
        { new AboveMaximum("seePointRewardFen", 10_000_001, InputLimits.MaxRewardFen, Fen: true),
            "seePointRewardFen is 10000001 fen, 1 fen above the maximum 10000000 fen (¥100,000.00)" },
        { new AboveLimit("maxReferralDistance", 4, 3), "maxReferralDistance is 4, 1 above the limit 3" },
        { new RetailTotalAboveCap(43, 40), "retail percents sum to 43, 3 above retail.maxTotalPercent 40" },
        { new TimeZoneFixed("UTC"), "timeZone is \"UTC\", but the platform time zone is set once to \"Asia/Shanghai\"" },
        { new PayoutAboveMargin("GP499", 32100, 31900), "largest payout per qualifying order for GP499 is 32100 fen, 200 fen above price − cost 31900" },
        { new PayoutAboveMargin("GP350", 32000, 17100, 2), "largest payout per qualifying order for GP350 is 32000 fen, 14900 fen above price − cost 17100 (rule set v2)" },
        { new PackPriceNotPositive(0), "priceFen is 0, it must be positive" },
        { new PackPriceAboveMaximum(10_000_001), "priceFen is 10000001 fen (¥100,000.01), it must be from 1 fen to 10000000 fen (¥0.01 to ¥100,000.00)" },
        { new PackCostNegative(-1), "costFen is -1, it must not be negative" },
        { new PackCostAbovePrice(49901, 49900), "costFen is 49901 fen (¥499.01), above priceFen 49900 fen (¥499.00); the cost must be from 0 to the price" },
        { new EffectiveInPast(At, At.AddHours(1)), "effectiveFrom 2026-03-01T04:00:00.0000000+00:00 is in the past (now 2026-03-01T05:00:00.0000000+00:00); publishing never rewrites the past" },
        { new EffectiveNotAfterLatest(At, 3, At.AddDays(1)), "effectiveFrom 2026-03-01T04:00:00.0000000+00:00 must be after version 3's 2026-03-02T04:00:00.0000000+00:00" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Each_violation_reads_as_the_English_text_the_API_has_always_given(RuleViolation violation, string text) =>
        Assert.Equal(text, violation.ToString());

    [Fact]
    public void The_refusal_joins_the_texts_as_before_and_keeps_the_data()
    {
        RuleViolation[] details = [new AboveLimit("maxReferralDistance", 4, 3), new RetailTotalAboveCap(43, 40)];
        var e = new ComplianceViolationException(details);
        Assert.Equal("maxReferralDistance is 4, 1 above the limit 3; retail percents sum to 43, 3 above retail.maxTotalPercent 40", e.Message);
        Assert.Equal(details, e.Details);
        Assert.Equal(details.Select(d => d.ToString()), e.Violations);
    }
}
