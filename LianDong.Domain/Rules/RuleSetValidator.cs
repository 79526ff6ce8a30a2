using LianDong.Domain.Engine;

namespace LianDong.Domain.Rules;

/// <summary>
/// The compliance limits of rule book section 9, as pure checks. Each message names the limit and by how much
/// it is broken, so the console can show it as is.
/// </summary>
public static class RuleSetValidator
{
    public const int MaxReferralDistanceLimit = 3;
    public const int MaxRetailTotalPercentLimit = 40;

    /// <summary>Problems with the fields themselves (no pack involved). Empty when the rule set may be published.</summary>
    public static IReadOnlyList<string> Validate(RuleParameters p)
    {
        var errors = new List<string>();
        void Percent(string name, int v)
        {
            if (v < 0) errors.Add($"{name} is {v}, {-v} below the minimum 0");
            else if (v > 100) errors.Add($"{name} is {v}, {v - 100} above the maximum 100");
        }
        void AtLeast(string name, long v, long min, string unit = "")
        {
            if (v < min) errors.Add($"{name} is {v}{unit}, {min - v}{unit} below the minimum {min}{unit}");
        }

        // A reward above the largest pack price could never pass the payout limit, and keeps the sums in range.
        void Reward(string name, long v)
        {
            AtLeast(name, v, 0, " fen");
            if (v > InputLimits.MaxRewardFen)
                errors.Add($"{name} is {v} fen, {v - InputLimits.MaxRewardFen} fen above the maximum {InputLimits.MaxRewardFen} fen ({Money.FromFen(InputLimits.MaxRewardFen)})");
        }

        AtLeast("upgradeThreshold", p.UpgradeThreshold, 1);
        Reward("directReward.agentFen", p.DirectAgentFen);
        Reward("directReward.partnerFen", p.DirectPartnerFen);
        Reward("seePointRewardFen", p.SeePointRewardFen);
        Percent("peerReward.percent", p.PeerPercent);
        Reward("peerReward.amountFen", p.PeerAmountFen);
        Percent("freezePercent", p.FreezePercent);
        AtLeast("channelTask.target", p.TaskTarget, 1);
        AtLeast("channelTask.days", p.TaskDays, 1);
        AtLeast("settlementDelayDays", p.SettlementDelayDays, 0);
        AtLeast("maxReferralDistance", p.MaxReferralDistance, 0);
        if (p.MaxReferralDistance > MaxReferralDistanceLimit)
            errors.Add($"maxReferralDistance is {p.MaxReferralDistance}, {p.MaxReferralDistance - MaxReferralDistanceLimit} above the limit {MaxReferralDistanceLimit}");
        Percent("retail.level1Percent", p.RetailLevel1Percent);
        Percent("retail.level2Percent", p.RetailLevel2Percent);
        Percent("retail.partnerPercent", p.RetailPartnerPercent);
        Percent("retail.maxTotalPercent", p.RetailMaxTotalPercent);
        if (p.RetailMaxTotalPercent > MaxRetailTotalPercentLimit)
            errors.Add($"retail.maxTotalPercent is {p.RetailMaxTotalPercent}, {p.RetailMaxTotalPercent - MaxRetailTotalPercentLimit} above the limit {MaxRetailTotalPercentLimit}");
        var retailSum = p.RetailLevel1Percent + p.RetailLevel2Percent + p.RetailPartnerPercent;
        if (retailSum > p.RetailMaxTotalPercent)
            errors.Add($"retail percents sum to {retailSum}, {retailSum - p.RetailMaxTotalPercent} above retail.maxTotalPercent {p.RetailMaxTotalPercent}");
        AtLeast("minPayoutFen", p.MinPayoutFen, 0, " fen");
        if (p.TimeZone != RuleParameters.PlatformTimeZone)
            errors.Add($"timeZone is \"{p.TimeZone}\", but the platform time zone is set once to \"{RuleParameters.PlatformTimeZone}\"");
        return errors;
    }

    /// <summary>Section 9: the largest possible payout per qualifying order of this pack must not exceed price − cost.</summary>
    public static string? CheckPack(string packCode, long priceFen, long costFen, RuleParameters p)
    {
        var room = checked(priceFen - costFen);
        var max = p.MaxPayoutPerQualifyingOrderFen;
        return max > room
            ? $"largest payout per qualifying order for {packCode} is {max} fen, {max - room} fen above price − cost {room}"
            : null;
    }

    /// <summary>Problems with a pack's own figures.</summary>
    public static IReadOnlyList<string> ValidatePackFigures(long priceFen, long costFen)
    {
        var errors = new List<string>();
        if (priceFen <= 0) errors.Add($"priceFen is {priceFen}, it must be positive");
        else if (priceFen > InputLimits.MaxPackPriceFen)
            errors.Add($"priceFen is {priceFen} fen ({Money.FromFen(priceFen)}), it must be {InputLimits.Range(1, InputLimits.MaxPackPriceFen)}");
        if (costFen < 0) errors.Add($"costFen is {costFen}, it must not be negative");
        else if (priceFen > 0 && costFen > priceFen)
            errors.Add($"costFen is {costFen} fen ({Money.FromFen(costFen)}), above priceFen {priceFen} fen ({Money.FromFen(priceFen)}); the cost must be from 0 to the price");
        return errors;
    }
}
