using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;

namespace LianDong.Domain.Rules;

/// <summary>
/// One recorded reward (all of its parts: a split reward is one row) as the what-if sees it: its kind and slot
/// (<c>Direct</c>, <c>SeePoint</c>, <c>Peer</c>, <c>PeerOneTime</c>, <c>RetailL1</c>, <c>RetailL2</c>, <c>RetailTeam</c>),
/// what was posted, the order's amount, and whether the direct-reward beneficiary was a Partner then.
/// </summary>
public sealed record WhatIfReward(EntryKind Kind, string Slot, long PostedFen, long OrderAmountFen, string PackKey, bool BeneficiaryWasPartner);

/// <summary>One row of the what-if: a pack (by its key) or a reward kind (<paramref name="Kind"/> set).</summary>
public sealed record WhatIfLine(string Key, long CurrentFen, long DraftFen, EntryKind? Kind = null)
{
    public long DifferenceFen => DraftFen - CurrentFen;
}

public sealed record WhatIfResult(DateOnly From, DateOnly To, int Rewards, IReadOnlyList<WhatIfLine> ByKind, IReadOnlyList<WhatIfLine> ByPack,
    IReadOnlyList<string> NotSimulated);

/// <summary>
/// Recomputes a recorded reward under a draft's amounts and percents, keeping everything structural as it happened
/// (who was placed where, who was a Partner, which rewards were withheld). Pure.
/// </summary>
public static class WhatIfCalculator
{
    public static long DraftAmount(WhatIfReward r, RuleParameters draft) => r.Slot switch
    {
        "Direct" => r.BeneficiaryWasPartner ? draft.DirectPartnerFen : draft.DirectAgentFen,
        "SeePoint" => draft.SeePointRewardFen,
        "Peer" => FenMath.PercentOf(draft.SeePointRewardFen, draft.PeerPercent),
        "PeerOneTime" => draft.PeerAmountFen,
        "RetailL1" => FenMath.PercentOf(r.OrderAmountFen, draft.RetailLevel1Percent),
        "RetailL2" => FenMath.PercentOf(r.OrderAmountFen, draft.RetailLevel2Percent),
        "RetailTeam" => FenMath.PercentOf(r.OrderAmountFen, draft.RetailPartnerPercent),
        _ => r.PostedFen,
    };

    /// <summary>
    /// The fields the what-if keeps as they were, by their JSON names (the console says why in the user's language):
    /// upgradeThreshold (who became a partner, and so who led whom, is kept as it happened), maxReferralDistance
    /// (withheld rewards stay withheld), channelTask (its kind, target, days and freezePercent move money between frozen
    /// and pending, not the total), settlement (settlementDelayDays and minPayoutFen: when money settles and is paid, not
    /// how much), and peerReward.mode when a recorded version used another mode (peer rewards are recomputed in the mode
    /// they were paid in).
    /// </summary>
    public static IReadOnlyList<string> NotSimulated(RuleParameters draft, IEnumerable<RuleParameters> recordedVersions)
    {
        var list = new List<string> { "upgradeThreshold", "maxReferralDistance", "channelTask", "settlement" };
        if (recordedVersions.Any(v => v.PeerMode != draft.PeerMode)) list.Add("peerReward.mode");
        return list;
    }

    public static string KindLabel(EntryKind kind) => kind switch
    {
        EntryKind.Direct => "直推奖 Direct",
        EntryKind.SeePoint => "见点奖 See-point",
        EntryKind.Peer => "平级奖 Peer",
        EntryKind.Retail => "零售佣金 Retail",
        _ => kind.ToString(),
    };

    public static WhatIfResult Summarize(DateOnly from, DateOnly to, IReadOnlyList<WhatIfReward> rewards, RuleParameters draft, IReadOnlyList<string> notSimulated)
    {
        var byKind = rewards.GroupBy(r => r.Kind).OrderBy(g => g.Key)
            .Select(g => new WhatIfLine(KindLabel(g.Key), g.Sum(r => r.PostedFen), g.Sum(r => DraftAmount(r, draft)), g.Key)).ToList();
        var byPack = rewards.GroupBy(r => r.PackKey).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WhatIfLine(g.Key, g.Sum(r => r.PostedFen), g.Sum(r => DraftAmount(r, draft)))).ToList();
        return new WhatIfResult(from, to, rewards.Count, byKind, byPack, notSimulated);
    }
}
