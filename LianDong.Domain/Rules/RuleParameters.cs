namespace LianDong.Domain.Rules;

public enum PeerRewardMode { PercentOfSeePoint = 0, OneTime = 1 }
public enum ChannelTaskKind { QualifiedReferrals = 0, RetailOrders = 1 }

/// <summary>
/// Every field of a rule set (rule book section 10), defaults included. Pure data: the calculators read it,
/// <see cref="RuleSet"/> stores it as columns, <see cref="RuleSetValidator"/> checks it.
/// </summary>
public sealed record RuleParameters
{
    public const string PlatformTimeZone = "Asia/Shanghai";

    public int UpgradeThreshold { get; init; } = 2;
    public long DirectAgentFen { get; init; } = 10000;
    public long DirectPartnerFen { get; init; } = 10000;
    public long SeePointRewardFen { get; init; } = 20000;
    public PeerRewardMode PeerMode { get; init; } = PeerRewardMode.PercentOfSeePoint;
    public int PeerPercent { get; init; } = 10;
    public long PeerAmountFen { get; init; } = 0;
    public int FreezePercent { get; init; } = 20;
    public ChannelTaskKind TaskKind { get; init; } = ChannelTaskKind.QualifiedReferrals;
    public int TaskTarget { get; init; } = 1;
    public int TaskDays { get; init; } = 30;
    public int SettlementDelayDays { get; init; } = 7;
    public int MaxReferralDistance { get; init; } = 3;
    public int RetailLevel1Percent { get; init; } = 10;
    public int RetailLevel2Percent { get; init; } = 3;
    public int RetailPartnerPercent { get; init; } = 2;
    public int RetailMaxTotalPercent { get; init; } = 40;
    public long MinPayoutFen { get; init; } = 1000;
    public string TimeZone { get; init; } = PlatformTimeZone;

    public static RuleParameters Defaults { get; } = new();

    /// <summary>The peer reward one see-point can cause: the percent of it, or the one-time amount.</summary>
    public long MaxPeerFen => PeerMode == PeerRewardMode.OneTime ? PeerAmountFen : Saturate((Int128)SeePointRewardFen * PeerPercent / 100);

    /// <summary>
    /// Section 9: the larger direct reward + see-point + peer. Computed in 128 bits and held at long.MaxValue, so figures
    /// not yet validated (far beyond InputLimits.MaxRewardFen) fail the payout check instead of wrapping around to pass it.
    /// </summary>
    public long MaxPayoutPerQualifyingOrderFen => Saturate((Int128)Math.Max(DirectAgentFen, DirectPartnerFen) + SeePointRewardFen + MaxPeerFen);

    private static long Saturate(Int128 v) => (long)Int128.Clamp(v, long.MinValue, long.MaxValue);
}
