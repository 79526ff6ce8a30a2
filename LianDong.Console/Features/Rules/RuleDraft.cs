using LianDong.Domain.Rules;

namespace LianDong.Console.Features.Rules;

/// <summary>The editor's mutable copy of every rule-set field (the form binds to it); <see cref="ToParameters"/> makes the immutable record.</summary>
public sealed class RuleDraft
{
    public int UpgradeThreshold { get; set; }
    public long DirectAgentFen { get; set; }
    public long DirectPartnerFen { get; set; }
    public long SeePointRewardFen { get; set; }
    public PeerRewardMode PeerMode { get; set; }
    public int PeerPercent { get; set; }
    public long PeerAmountFen { get; set; }
    public int FreezePercent { get; set; }
    public ChannelTaskKind TaskKind { get; set; }
    public int TaskTarget { get; set; }
    public int TaskDays { get; set; }
    public int SettlementDelayDays { get; set; }
    public int MaxReferralDistance { get; set; }
    public int RetailLevel1Percent { get; set; }
    public int RetailLevel2Percent { get; set; }
    public int RetailPartnerPercent { get; set; }
    public int RetailMaxTotalPercent { get; set; }
    public long MinPayoutFen { get; set; }

    public static RuleDraft From(RuleParameters p) => new()
    {
        UpgradeThreshold = p.UpgradeThreshold, DirectAgentFen = p.DirectAgentFen, DirectPartnerFen = p.DirectPartnerFen,
        SeePointRewardFen = p.SeePointRewardFen, PeerMode = p.PeerMode, PeerPercent = p.PeerPercent, PeerAmountFen = p.PeerAmountFen,
        FreezePercent = p.FreezePercent, TaskKind = p.TaskKind, TaskTarget = p.TaskTarget, TaskDays = p.TaskDays,
        SettlementDelayDays = p.SettlementDelayDays, MaxReferralDistance = p.MaxReferralDistance,
        RetailLevel1Percent = p.RetailLevel1Percent, RetailLevel2Percent = p.RetailLevel2Percent,
        RetailPartnerPercent = p.RetailPartnerPercent, RetailMaxTotalPercent = p.RetailMaxTotalPercent, MinPayoutFen = p.MinPayoutFen,
    };

    public RuleParameters ToParameters() => new()
    {
        UpgradeThreshold = UpgradeThreshold, DirectAgentFen = DirectAgentFen, DirectPartnerFen = DirectPartnerFen,
        SeePointRewardFen = SeePointRewardFen, PeerMode = PeerMode, PeerPercent = PeerPercent, PeerAmountFen = PeerAmountFen,
        FreezePercent = FreezePercent, TaskKind = TaskKind, TaskTarget = TaskTarget, TaskDays = TaskDays,
        SettlementDelayDays = SettlementDelayDays, MaxReferralDistance = MaxReferralDistance,
        RetailLevel1Percent = RetailLevel1Percent, RetailLevel2Percent = RetailLevel2Percent,
        RetailPartnerPercent = RetailPartnerPercent, RetailMaxTotalPercent = RetailMaxTotalPercent, MinPayoutFen = MinPayoutFen,
    };
}
