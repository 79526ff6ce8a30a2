using LianDong.Domain.Ledger;

namespace LianDong.Domain.Rules;

/// <summary>A pack as the compliance check sees it.</summary>
public sealed record PackFigures(string Code, string Name, long PriceFen, long CostFen);

/// <summary>
/// What the rule-set editor shows beside a draft: the compliance messages (section 9, against every pack that is on)
/// and a plain-language summary of the fields. Pure functions of the draft, so the page shows them live.
/// </summary>
public static class RuleSummary
{
    /// <summary>Every reason the draft cannot be published; empty when it may be.</summary>
    public static IReadOnlyList<RuleViolation> Compliance(RuleParameters p, IEnumerable<PackFigures> packsOn)
    {
        var messages = RuleSetValidator.Violations(p).ToList();
        foreach (var pack in packsOn.OrderBy(x => x.Code))
            if (RuleSetValidator.PackViolation(pack.Code, pack.PriceFen, pack.CostFen, p) is { } v) messages.Add(v);
        return messages;
    }

    /// <summary>One sentence per rule, in the rule book's order.</summary>
    public static IReadOnlyList<string> Describe(RuleParameters p)
    {
        var lines = new List<string>
        {
            $"An agent earns {Money.FromFen(p.DirectAgentFen)} and a partner {Money.FromFen(p.DirectPartnerFen)} 直推奖 (direct reward) for each direct referral who buys a gift pack.",
            $"The team leader of a new agent earns {Money.FromFen(p.SeePointRewardFen)} 见点奖 (see-point reward).",
            p.PeerMode == PeerRewardMode.PercentOfSeePoint
                ? $"A partner's peer beneficiary earns {p.PeerPercent}% of each see-point reward ({Money.FromFen(p.MaxPeerFen)}) as 平级奖 (peer reward)."
                : $"When an agent becomes a partner, its partner referrer earns {Money.FromFen(p.PeerAmountFen)} once as 平级奖 (peer reward).",
            $"An agent becomes a 合伙人 partner after {p.UpgradeThreshold} qualified direct referral{(p.UpgradeThreshold == 1 ? "" : "s")}.",
            $"A seed user's 渠道任务 channel task: {(p.TaskKind == ChannelTaskKind.QualifiedReferrals ? "referrals who become agents" : "paid retail orders")}, target {p.TaskTarget} within {p.TaskDays} days; until it is completed {p.FreezePercent}% of the partner's rewards through that seed are frozen.",
            $"Rewards settle {p.SettlementDelayDays} days after posting; the smallest payout is {Money.FromFen(p.MinPayoutFen)}.",
            $"Rewards go at most {p.MaxReferralDistance} referral step{(p.MaxReferralDistance == 1 ? "" : "s")} up from the buyer.",
            $"零售佣金 Retail commission: {p.RetailLevel1Percent}% to the referrer, {p.RetailLevel2Percent}% to the referrer's referrer, {p.RetailPartnerPercent}% to the team's partner (at most {p.RetailMaxTotalPercent}% in total).",
            $"The largest payout per qualifying order is {Money.FromFen(p.MaxPayoutPerQualifyingOrderFen)}.",
        };
        return lines;
    }
}
