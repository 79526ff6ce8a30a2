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

    /// <summary>Problems with the fields themselves (no pack involved), as English text (the API's and CLI's words).</summary>
    public static IReadOnlyList<string> Validate(RuleParameters p) => Violations(p).Select(v => v.ToString()).ToList();

    /// <summary>Problems with the fields themselves (no pack involved). Empty when the rule set may be published.</summary>
    public static IReadOnlyList<RuleViolation> Violations(RuleParameters p)
    {
        var errors = new List<RuleViolation>();
        void Percent(string name, int v)
        {
            if (v < 0) errors.Add(new BelowMinimum(name, v, 0));
            else if (v > 100) errors.Add(new AboveMaximum(name, v, 100));
        }
        void AtLeast(string name, long v, long min, bool fen = false)
        {
            if (v < min) errors.Add(new BelowMinimum(name, v, min, fen));
        }

        // A reward above the largest pack price could never pass the payout limit, and keeps the sums in range.
        void Reward(string name, long v)
        {
            AtLeast(name, v, 0, fen: true);
            if (v > InputLimits.MaxRewardFen) errors.Add(new AboveMaximum(name, v, InputLimits.MaxRewardFen, Fen: true));
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
            errors.Add(new AboveLimit("maxReferralDistance", p.MaxReferralDistance, MaxReferralDistanceLimit));
        Percent("retail.level1Percent", p.RetailLevel1Percent);
        Percent("retail.level2Percent", p.RetailLevel2Percent);
        Percent("retail.partnerPercent", p.RetailPartnerPercent);
        Percent("retail.maxTotalPercent", p.RetailMaxTotalPercent);
        if (p.RetailMaxTotalPercent > MaxRetailTotalPercentLimit)
            errors.Add(new AboveLimit("retail.maxTotalPercent", p.RetailMaxTotalPercent, MaxRetailTotalPercentLimit));
        var retailSum = p.RetailLevel1Percent + p.RetailLevel2Percent + p.RetailPartnerPercent;
        if (retailSum > p.RetailMaxTotalPercent) errors.Add(new RetailTotalAboveCap(retailSum, p.RetailMaxTotalPercent));
        AtLeast("minPayoutFen", p.MinPayoutFen, 0, fen: true);
        if (p.TimeZone != RuleParameters.PlatformTimeZone) errors.Add(new TimeZoneFixed(p.TimeZone));
        return errors;
    }

    /// <summary>Section 9 as English text (the API's and CLI's words); null when the pack passes.</summary>
    public static string? CheckPack(string packCode, long priceFen, long costFen, RuleParameters p) =>
        PackViolation(packCode, priceFen, costFen, p)?.ToString();

    /// <summary>Section 9: the largest possible payout per qualifying order of this pack must not exceed price − cost.</summary>
    public static PayoutAboveMargin? PackViolation(string packCode, long priceFen, long costFen, RuleParameters p, int? ruleSetVersion = null)
    {
        var room = checked(priceFen - costFen);
        var max = p.MaxPayoutPerQualifyingOrderFen;
        return max > room ? new PayoutAboveMargin(packCode, max, room, ruleSetVersion) : null;
    }

    /// <summary>Problems with a pack's own figures, as English text (the API's and CLI's words).</summary>
    public static IReadOnlyList<string> ValidatePackFigures(long priceFen, long costFen) =>
        PackFigureViolations(priceFen, costFen).Select(v => v.ToString()).ToList();

    /// <summary>Problems with a pack's own figures.</summary>
    public static IReadOnlyList<RuleViolation> PackFigureViolations(long priceFen, long costFen)
    {
        var errors = new List<RuleViolation>();
        if (priceFen <= 0) errors.Add(new PackPriceNotPositive(priceFen));
        else if (priceFen > InputLimits.MaxPackPriceFen) errors.Add(new PackPriceAboveMaximum(priceFen));
        if (costFen < 0) errors.Add(new PackCostNegative(costFen));
        else if (priceFen > 0 && costFen > priceFen) errors.Add(new PackCostAbovePrice(costFen, priceFen));
        return errors;
    }
}
