using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Tasks;
using Radzen;

namespace LianDong.Console.Features.Shared;

/// <summary>How the console shows times and domain terms: platform-zone times, Chinese and English side by side (money is <see cref="LianDong.Domain.Money"/>).</summary>
public static class Display
{
    public static string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, PlatformTime.Zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Local(DateTimeOffset? at) => at is { } v ? Local(v) : "—";

    public static string Rank(MemberRank r) => r switch
    {
        MemberRank.Member => "普通用户 Member",
        MemberRank.Agent => "代理 Agent",
        _ => "合伙人 Partner",
    };

    public static BadgeStyle RankStyle(MemberRank r) => r switch
    {
        MemberRank.Member => BadgeStyle.Light,
        MemberRank.Agent => BadgeStyle.Info,
        _ => BadgeStyle.Warning,
    };

    public static string Kind(EntryKind k) => k switch
    {
        EntryKind.Direct => "直推奖 Direct",
        EntryKind.SeePoint => "见点奖 See-point",
        EntryKind.Peer => "平级奖 Peer",
        EntryKind.Retail => "零售佣金 Retail",
        EntryKind.Clawback => "追回 Clawback",
        _ => "帮扶 Grant",
    };

    public static string Status(EntryStatus s) => s switch
    {
        EntryStatus.Pending => "待结算 Pending",
        EntryStatus.Frozen => "冻结 Frozen",
        EntryStatus.Available => "可提现 Available",
        EntryStatus.Paid => "已支付 Paid",
        EntryStatus.Cancelled => "已取消 Cancelled",
        _ => "已没收 Forfeited",
    };

    public static string Task(ChannelTaskStatus s) => s switch
    {
        ChannelTaskStatus.Open => "进行中 Open",
        ChannelTaskStatus.Completed => "已完成 Completed",
        ChannelTaskStatus.Expired => "已过期 Expired",
        _ => "已取消 Cancelled",
    };

    public static string TaskKind(LianDong.Domain.Rules.ChannelTaskKind k) =>
        k == LianDong.Domain.Rules.ChannelTaskKind.QualifiedReferrals ? "推荐代理 Qualified referrals" : "零售订单 Retail orders";

    /// <summary>Parses "12", "12.3" or "12.34" yuan into fen, without floating point; null when it is not such a number.</summary>
    public static long? ParseYuan(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim().TrimStart('¥');
        var parts = t.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiDigit) || parts[0].Length > 12) return null;
        var frac = parts.Length == 2 ? parts[1] : "";
        if (frac.Length > 2 || !frac.All(char.IsAsciiDigit)) return null;
        return long.Parse(parts[0]) * 100 + (frac.Length == 0 ? 0 : int.Parse(frac.PadRight(2, '0')));
    }
}
