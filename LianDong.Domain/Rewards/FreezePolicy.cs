using LianDong.Domain.Engine;
using LianDong.Domain.Tasks;

namespace LianDong.Domain.Rewards;

/// <summary>The 帮扶 freeze (section 5.3).</summary>
public static class FreezePolicy
{
    /// <summary>
    /// Splits a 直推奖 or 见点奖 by the state of the seed's latest task: not Completed (Open, Expired, Cancelled) →
    /// floor(amount × percent / 100) frozen and the rest pending; Completed or no task → all pending.
    /// </summary>
    public static (long PendingFen, long FrozenFen) Split(long amountFen, int freezePercent, ChannelTaskStatus? seedLatestTask)
    {
        if (seedLatestTask is null or ChannelTaskStatus.Completed) return (amountFen, 0);
        var frozen = FenMath.PercentOf(amountFen, freezePercent);
        return (amountFen - frozen, frozen);
    }
}
