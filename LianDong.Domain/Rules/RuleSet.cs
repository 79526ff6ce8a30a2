namespace LianDong.Domain.Rules;

/// <summary>
/// One published, immutable version of the rules, in effect from <see cref="EffectiveFrom"/> until the next version's.
/// There is no way to change a published row's rules: a change is a new version. The only move a row makes is
/// Published → Withdrawn, and only before it takes effect (<see cref="WithdrawalRefusal"/>; ADR 0096): a withdrawn
/// version is kept for the record and never takes effect.
/// </summary>
public class RuleSet
{
    public long Id { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset EffectiveFrom { get; private set; }
    public DateTimeOffset PublishedAt { get; private set; }
    public string PublishedBy { get; private set; } = "";
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public string? WithdrawnBy { get; private set; }

    public bool IsWithdrawn => WithdrawnAt is not null;

    /// <summary>Whether the version could still be withdrawn at <paramref name="now"/>: published and not yet in effect.</summary>
    public bool CanWithdraw(DateTimeOffset now) => !IsWithdrawn && EffectiveFrom > now;

    /// <summary>
    /// Why this version cannot be withdrawn at <paramref name="now"/>, in words for the clerk (times in Asia/Shanghai);
    /// null when it can. The service repeats the same conditions as a compare-and-set in its transaction.
    /// </summary>
    public string? WithdrawalRefusal(DateTimeOffset now)
    {
        if (WithdrawnAt is { } at)
            return $"v{Version} 已于 {Engine.PlatformTime.LocalText(at)} 由 {WithdrawnBy} 撤回，无需再次撤回。 " +
                   $"v{Version} was already withdrawn on {Engine.PlatformTime.LocalText(at)} by {WithdrawnBy}.";
        if (EffectiveFrom <= now)
            return $"v{Version} 已于 {Engine.PlatformTime.LocalText(EffectiveFrom)} 生效，生效后的版本不能撤回；如需改变规则，请发布新版本。 " +
                   $"v{Version} took effect on {Engine.PlatformTime.LocalText(EffectiveFrom)}; a version in effect cannot be withdrawn. " +
                   "To change the rules from now on, publish a new version.";
        return null;
    }

    public int UpgradeThreshold { get; private set; }
    public long DirectAgentFen { get; private set; }
    public long DirectPartnerFen { get; private set; }
    public long SeePointRewardFen { get; private set; }
    public PeerRewardMode PeerMode { get; private set; }
    public int PeerPercent { get; private set; }
    public long PeerAmountFen { get; private set; }
    public int FreezePercent { get; private set; }
    public ChannelTaskKind TaskKind { get; private set; }
    public int TaskTarget { get; private set; }
    public int TaskDays { get; private set; }
    public int SettlementDelayDays { get; private set; }
    public int MaxReferralDistance { get; private set; }
    public int RetailLevel1Percent { get; private set; }
    public int RetailLevel2Percent { get; private set; }
    public int RetailPartnerPercent { get; private set; }
    public int RetailMaxTotalPercent { get; private set; }
    public long MinPayoutFen { get; private set; }
    public string TimeZone { get; private set; } = RuleParameters.PlatformTimeZone;

    private RuleSet() { }

    internal RuleSet(int version, DateTimeOffset effectiveFrom, DateTimeOffset publishedAt, string publishedBy, RuleParameters p)
    {
        Version = version; EffectiveFrom = effectiveFrom; PublishedAt = publishedAt; PublishedBy = publishedBy;
        UpgradeThreshold = p.UpgradeThreshold; DirectAgentFen = p.DirectAgentFen; DirectPartnerFen = p.DirectPartnerFen;
        SeePointRewardFen = p.SeePointRewardFen; PeerMode = p.PeerMode; PeerPercent = p.PeerPercent; PeerAmountFen = p.PeerAmountFen;
        FreezePercent = p.FreezePercent; TaskKind = p.TaskKind; TaskTarget = p.TaskTarget; TaskDays = p.TaskDays;
        SettlementDelayDays = p.SettlementDelayDays; MaxReferralDistance = p.MaxReferralDistance;
        RetailLevel1Percent = p.RetailLevel1Percent; RetailLevel2Percent = p.RetailLevel2Percent;
        RetailPartnerPercent = p.RetailPartnerPercent; RetailMaxTotalPercent = p.RetailMaxTotalPercent;
        MinPayoutFen = p.MinPayoutFen; TimeZone = p.TimeZone;
    }

    public RuleParameters Parameters => new()
    {
        UpgradeThreshold = UpgradeThreshold, DirectAgentFen = DirectAgentFen, DirectPartnerFen = DirectPartnerFen,
        SeePointRewardFen = SeePointRewardFen, PeerMode = PeerMode, PeerPercent = PeerPercent, PeerAmountFen = PeerAmountFen,
        FreezePercent = FreezePercent, TaskKind = TaskKind, TaskTarget = TaskTarget, TaskDays = TaskDays,
        SettlementDelayDays = SettlementDelayDays, MaxReferralDistance = MaxReferralDistance,
        RetailLevel1Percent = RetailLevel1Percent, RetailLevel2Percent = RetailLevel2Percent,
        RetailPartnerPercent = RetailPartnerPercent, RetailMaxTotalPercent = RetailMaxTotalPercent,
        MinPayoutFen = MinPayoutFen, TimeZone = TimeZone,
    };
}
