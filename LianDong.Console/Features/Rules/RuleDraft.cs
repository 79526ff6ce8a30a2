using LianDong.Console.Features.Shared;
using LianDong.Domain.Rules;

namespace LianDong.Console.Features.Rules;

/// <summary>
/// The editor's mutable copy of every rule-set field (the form binds to it). Amounts are typed in yuan, as text
/// ("100.00", "1,000", full-width digits), and read through <see cref="Display.ParseYuan"/>; <see cref="ToParameters"/>
/// makes the immutable record.
/// </summary>
public sealed class RuleDraft
{
    public int UpgradeThreshold { get; set; }
    public string DirectAgent { get; set; } = "";
    public string DirectPartner { get; set; } = "";
    public string SeePointReward { get; set; } = "";
    public PeerRewardMode PeerMode { get; set; }
    public int PeerPercent { get; set; }
    public string PeerAmount { get; set; } = "";
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
    public string MinPayout { get; set; } = "";

    /// <summary>Whether every amount reads as yuan (the editor blocks publishing until it does).</summary>
    public bool AmountsValid => new[] { DirectAgent, DirectPartner, SeePointReward, PeerAmount, MinPayout }.All(a => Display.ParseYuan(a) is not null);

    public static RuleDraft From(RuleParameters p) => new()
    {
        UpgradeThreshold = p.UpgradeThreshold, DirectAgent = Text(p.DirectAgentFen), DirectPartner = Text(p.DirectPartnerFen),
        SeePointReward = Text(p.SeePointRewardFen), PeerMode = p.PeerMode, PeerPercent = p.PeerPercent, PeerAmount = Text(p.PeerAmountFen),
        FreezePercent = p.FreezePercent, TaskKind = p.TaskKind, TaskTarget = p.TaskTarget, TaskDays = p.TaskDays,
        SettlementDelayDays = p.SettlementDelayDays, MaxReferralDistance = p.MaxReferralDistance,
        RetailLevel1Percent = p.RetailLevel1Percent, RetailLevel2Percent = p.RetailLevel2Percent,
        RetailPartnerPercent = p.RetailPartnerPercent, RetailMaxTotalPercent = p.RetailMaxTotalPercent, MinPayout = Text(p.MinPayoutFen),
    };

    /// <summary>The draft as parameters; an amount that does not read as yuan counts as 0 (publishing is blocked then).</summary>
    public RuleParameters ToParameters() => new()
    {
        UpgradeThreshold = UpgradeThreshold, DirectAgentFen = Fen(DirectAgent), DirectPartnerFen = Fen(DirectPartner),
        SeePointRewardFen = Fen(SeePointReward), PeerMode = PeerMode, PeerPercent = PeerPercent, PeerAmountFen = Fen(PeerAmount),
        FreezePercent = FreezePercent, TaskKind = TaskKind, TaskTarget = TaskTarget, TaskDays = TaskDays,
        SettlementDelayDays = SettlementDelayDays, MaxReferralDistance = MaxReferralDistance,
        RetailLevel1Percent = RetailLevel1Percent, RetailLevel2Percent = RetailLevel2Percent,
        RetailPartnerPercent = RetailPartnerPercent, RetailMaxTotalPercent = RetailMaxTotalPercent, MinPayoutFen = Fen(MinPayout),
    };

    /// <summary>"100.00": yuan without the sign or separators, as a person retypes it.</summary>
    public static string Text(long fen) => LianDong.Domain.Money.FromFen(fen).ToString("F");

    private static long Fen(string text) => Display.ParseYuan(text) ?? 0;

    /// <summary>The fields whose value differs between <paramref name="from"/> and <paramref name="to"/>, as (field, old, new) in words.</summary>
    public static IReadOnlyList<(string Field, string Old, string New)> Changes(RuleParameters from, RuleParameters to)
    {
        var list = new List<(string, string, string)>();
        void Amount(string field, long a, long b) { if (a != b) list.Add((RuleWords.Field(field), Shared.Display.Yuan(a), Shared.Display.Yuan(b))); }
        void Number(string field, long a, long b) { if (a != b) list.Add((RuleWords.Field(field), RuleWords.Value(field, a, false), RuleWords.Value(field, b, false))); }
        Number("upgradeThreshold", from.UpgradeThreshold, to.UpgradeThreshold);
        Amount("directReward.agentFen", from.DirectAgentFen, to.DirectAgentFen);
        Amount("directReward.partnerFen", from.DirectPartnerFen, to.DirectPartnerFen);
        Amount("seePointRewardFen", from.SeePointRewardFen, to.SeePointRewardFen);
        if (from.PeerMode != to.PeerMode)
            list.Add((RuleWords.Field("peerReward.mode"), RulesText.Get("PeerMode." + from.PeerMode), RulesText.Get("PeerMode." + to.PeerMode)));
        Number("peerReward.percent", from.PeerPercent, to.PeerPercent);
        Amount("peerReward.amountFen", from.PeerAmountFen, to.PeerAmountFen);
        Number("freezePercent", from.FreezePercent, to.FreezePercent);
        if (from.TaskKind != to.TaskKind)
            list.Add((RuleWords.Field("channelTask.kind"), RulesText.Get("Summary.TaskKind." + from.TaskKind), RulesText.Get("Summary.TaskKind." + to.TaskKind)));
        Number("channelTask.target", from.TaskTarget, to.TaskTarget);
        Number("channelTask.days", from.TaskDays, to.TaskDays);
        Number("settlementDelayDays", from.SettlementDelayDays, to.SettlementDelayDays);
        Number("maxReferralDistance", from.MaxReferralDistance, to.MaxReferralDistance);
        Number("retail.level1Percent", from.RetailLevel1Percent, to.RetailLevel1Percent);
        Number("retail.level2Percent", from.RetailLevel2Percent, to.RetailLevel2Percent);
        Number("retail.partnerPercent", from.RetailPartnerPercent, to.RetailPartnerPercent);
        Number("retail.maxTotalPercent", from.RetailMaxTotalPercent, to.RetailMaxTotalPercent);
        Amount("minPayoutFen", from.MinPayoutFen, to.MinPayoutFen);
        return list;
    }
}
