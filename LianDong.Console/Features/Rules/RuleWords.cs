using System.Globalization;
using LianDong.Console.Features.Shared;
using LianDong.Domain.Rules;

namespace LianDong.Console.Features.Rules;

/// <summary>
/// Rule-set violations and the rule summary in the user's language, amounts in yuan: the domain gives the limits and
/// the numbers (<see cref="RuleViolation"/>), its English <c>ToString()</c> stays for the API and the CLI.
/// </summary>
public static class RuleWords
{
    /// <summary>The field's name in the user's language ("seePointRewardFen" → "见点奖").</summary>
    public static string Field(string field) => RulesText.Get("Field." + field);

    /// <summary>A value of <paramref name="field"/> as a person reads it: yuan for amounts, "%" for percents.</summary>
    public static string Value(string field, long value, bool fen) =>
        fen ? Display.Yuan(value)
        : field.EndsWith("ercent", StringComparison.Ordinal) ? value.ToString(CultureInfo.InvariantCulture) + "%"
        : Display.Count(value);

    public static string Say(RuleViolation v) => v switch
    {
        BelowMinimum b => RulesText.Format("Violation.BelowMinimum", Field(b.Field), Value(b.Field, b.Value, b.Fen), Value(b.Field, b.Minimum, b.Fen)),
        AboveMaximum a => RulesText.Format("Violation.AboveMaximum", Field(a.Field), Value(a.Field, a.Value, a.Fen), Value(a.Field, a.Maximum, a.Fen)),
        AboveLimit a => RulesText.Format("Violation.AboveMaximum", Field(a.Field), Value(a.Field, a.Value, false), Value(a.Field, a.Limit, false)),
        RetailTotalAboveCap r => RulesText.Format("Violation.RetailTotalAboveCap", $"{r.TotalPercent}%", $"{r.CapPercent}%"),
        TimeZoneFixed t => RulesText.Format("Violation.TimeZoneFixed", RuleParameters.PlatformTimeZone, t.TimeZone),
        PayoutAboveMargin p => Versioned(RulesText.Format("Violation.PayoutAboveMargin", Display.Yuan(p.MaxPayoutFen), Display.Yuan(p.MarginFen)), p.RuleSetVersion),
        PackPriceNotPositive => RulesText.Get("Violation.PriceNotPositive"),
        PackPriceAboveMaximum p => RulesText.Format("Violation.PriceAboveMaximum", Display.Yuan(p.PriceFen), Display.Yuan(LianDong.Domain.Engine.InputLimits.MaxPackPriceFen)),
        PackCostNegative => RulesText.Get("Violation.CostNegative"),
        PackCostAbovePrice c => RulesText.Format("Violation.CostAbovePrice", Display.Yuan(c.CostFen), Display.Yuan(c.PriceFen)),
        EffectiveInPast e => RulesText.Format("Violation.EffectiveInPast", Display.Local(e.EffectiveFrom), Display.Local(e.Now)),
        EffectiveNotAfterLatest e => RulesText.Format("Violation.EffectiveNotAfterLatest", Display.Local(e.EffectiveFrom), e.LatestVersion, Display.Local(e.LatestEffectiveFrom)),
        _ => RulesText.Get("Violation.Other"),
    };

    /// <summary>As <see cref="Say"/>, naming the pack for a payout-limit message (the editor checks every pack that is on).</summary>
    public static string SayWithPack(RuleViolation v) =>
        v is PayoutAboveMargin p ? RulesText.Format("Violation.ForPack", p.PackCode, Say(v)) : Say(v);

    private static string Versioned(string text, int? version) =>
        version is { } n ? RulesText.Format("Violation.ForVersion", text, n) : text;

    /// <summary>One sentence per rule, in the rule book's order.</summary>
    public static IReadOnlyList<string> Summary(RuleParameters p) =>
    [
        RulesText.Format("Summary.Direct", Display.Yuan(p.DirectAgentFen), Display.Yuan(p.DirectPartnerFen)),
        RulesText.Format("Summary.SeePoint", Display.Yuan(p.SeePointRewardFen)),
        p.PeerMode == PeerRewardMode.PercentOfSeePoint
            ? RulesText.Format("Summary.PeerPercent", p.PeerPercent, Display.Yuan(p.MaxPeerFen))
            : RulesText.Format("Summary.PeerOneTime", Display.Yuan(p.PeerAmountFen)),
        RulesText.Format(p.UpgradeThreshold == 1 ? "Summary.Upgrade.One" : "Summary.Upgrade.Other", Display.Count(p.UpgradeThreshold)),
        RulesText.Format("Summary.Task", RulesText.Get("Summary.TaskKind." + p.TaskKind), Display.Count(p.TaskTarget), Display.Count(p.TaskDays), p.FreezePercent),
        RulesText.Format("Summary.Settlement", Display.Count(p.SettlementDelayDays), Display.Yuan(p.MinPayoutFen)),
        RulesText.Format(p.MaxReferralDistance == 1 ? "Summary.Distance.One" : "Summary.Distance.Other", Display.Count(p.MaxReferralDistance)),
        RulesText.Format("Summary.Retail", p.RetailLevel1Percent, p.RetailLevel2Percent, p.RetailPartnerPercent, p.RetailMaxTotalPercent),
        RulesText.Format("Summary.MaxPayout", Display.Yuan(p.MaxPayoutPerQualifyingOrderFen)),
    ];
}
