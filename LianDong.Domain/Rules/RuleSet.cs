namespace LianDong.Domain.Rules;

/// <summary>
/// One published, immutable version of the rules, in effect from <see cref="EffectiveFrom"/> until the next version's.
/// There is no way to change a published row: a change is a new version.
/// </summary>
public class RuleSet
{
    public long Id { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset EffectiveFrom { get; private set; }
    public DateTimeOffset PublishedAt { get; private set; }
    public string PublishedBy { get; private set; } = "";

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
