using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Rules;

namespace LianDong.Tests.Domain;

public class RuleSetValidatorTests
{
    [Fact]
    public void Defaults_pass() => Assert.Empty(RuleSetValidator.Validate(RuleParameters.Defaults));

    [Fact]
    public void Worked_example_pack_passes_exactly_and_one_fen_less_room_fails_naming_the_amounts()
    {
        Assert.Equal(32000, RuleParameters.Defaults.MaxPayoutPerQualifyingOrderFen);
        Assert.Null(RuleSetValidator.CheckPack("GP499", 49900, 17900, RuleParameters.Defaults));
        var rules = RuleParameters.Defaults with { DirectPartnerFen = 10100 };
        Assert.Equal("largest payout per qualifying order for GP499 is 32100 fen, 200 fen above price − cost 31900",
            RuleSetValidator.CheckPack("GP499", 49900, 18000, rules));
    }

    [Fact]
    public void One_time_peer_counts_its_amount_in_the_payout_limit()
    {
        var rules = RuleParameters.Defaults with { PeerMode = PeerRewardMode.OneTime, PeerAmountFen = 5000 };
        Assert.Equal(35000, rules.MaxPayoutPerQualifyingOrderFen);
    }

    [Theory]
    [InlineData("maxReferralDistance is 4, 1 above the limit 3")]
    [InlineData("retail.maxTotalPercent is 50, 10 above the limit 40")]
    [InlineData("retail percents sum to 45, 5 above retail.maxTotalPercent 40")]
    [InlineData("freezePercent is 120, 20 above the maximum 100")]
    [InlineData("upgradeThreshold is 0, 1 below the minimum 1")]
    [InlineData("peerReward.percent is -1, 1 below the minimum 0")]
    public void Each_limit_is_named_with_how_much_it_is_broken_by(string message)
    {
        var p = message switch
        {
            _ when message.StartsWith("maxReferral") => RuleParameters.Defaults with { MaxReferralDistance = 4 },
            _ when message.StartsWith("retail.max") => RuleParameters.Defaults with { RetailMaxTotalPercent = 50 },
            _ when message.StartsWith("retail percents") => RuleParameters.Defaults with { RetailLevel1Percent = 40 },
            _ when message.StartsWith("freeze") => RuleParameters.Defaults with { FreezePercent = 120 },
            _ when message.StartsWith("upgrade") => RuleParameters.Defaults with { UpgradeThreshold = 0 },
            _ => RuleParameters.Defaults with { PeerPercent = -1 },
        };
        Assert.Contains(message, RuleSetValidator.Validate(p));
    }

    [Fact]
    public void Ledger_transitions_are_exactly_the_allowed_moves()
    {
        var allowed = new HashSet<(EntryStatus, EntryStatus)>
        {
            (EntryStatus.Pending, EntryStatus.Available), (EntryStatus.Available, EntryStatus.Paid), (EntryStatus.Frozen, EntryStatus.Pending),
            (EntryStatus.Frozen, EntryStatus.Forfeited), (EntryStatus.Pending, EntryStatus.Cancelled), (EntryStatus.Frozen, EntryStatus.Cancelled),
            (EntryStatus.Paid, EntryStatus.Available),
        };
        foreach (var from in Enum.GetValues<EntryStatus>())
            foreach (var to in Enum.GetValues<EntryStatus>())
                Assert.Equal(allowed.Contains((from, to)), LedgerTransitions.IsAllowed(from, to));
    }

    [Fact]
    public void Posting_dates_are_local_dates_in_Shanghai()
    {
        Assert.Equal(new DateOnly(2026, 1, 2), PlatformTime.LocalDate(new DateTimeOffset(2026, 1, 1, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 1, 1), PlatformTime.LocalDate(new DateTimeOffset(2026, 1, 1, 15, 59, 59, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 1, 8, 16, 0, 0, TimeSpan.Zero), PlatformTime.EndOfLocalDay(new DateOnly(2026, 1, 8)));
    }
}
