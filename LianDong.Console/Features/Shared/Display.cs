using System.Globalization;
using LianDong.Console.Localization;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Tasks;
using MudBlazor;

namespace LianDong.Console.Features.Shared;

/// <summary>
/// How the console shows what it shows, in the user's language (<see cref="UiText"/>): domain terms, amounts as yuan
/// ("¥13,229,489.37", the same in both languages), counts with separators, and times in the platform's zone (Asia/Shanghai).
/// </summary>
public static class Display
{
    public static string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, PlatformTime.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Local(DateTimeOffset? at) => at is { } v ? Local(v) : "—";

    /// <summary>Date only, in the platform's zone.</summary>
    public static string Day(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, PlatformTime.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An amount in fen as yuan: "¥1,234.56".</summary>
    public static string Yuan(long fen) => LianDong.Domain.Money.FromFen(fen).ToString();

    /// <summary>A count with thousands separators: "1,234".</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A count with its noun, singular or plural in English: "1 member", "2 members", "3 名会员".</summary>
    public static string Count(string noun, long n) => UiText.Count(noun, n);

    public static string Rank(MemberRank r) => UiText.Get("Rank." + r);

    public static Color RankColor(MemberRank r) => r switch
    {
        MemberRank.Member => Color.Default,
        MemberRank.Agent => Color.Info,
        _ => Color.Warning,
    };

    public static string Kind(EntryKind k) => UiText.Get("Kind." + k);

    public static string Status(EntryStatus s) => UiText.Get("Status." + s);

    public static Color StatusColor(EntryStatus s) => s switch
    {
        EntryStatus.Available => Color.Success,
        EntryStatus.Paid => Color.Primary,
        EntryStatus.Frozen => Color.Info,
        EntryStatus.Pending => Color.Default,
        _ => Color.Error,
    };

    public static string Task(ChannelTaskStatus s) => UiText.Get("Task." + s);

    public static string TaskKind(LianDong.Domain.Rules.ChannelTaskKind k) => UiText.Get("TaskKind." + k);

    /// <summary>
    /// An amount typed in yuan as fen, without floating point: "12", "12.3", "¥1,000.00", full-width "１，０００" (what
    /// <see cref="LianDong.Domain.Money.TryParse"/> reads); null when it is not such a number or is negative.
    /// </summary>
    public static long? ParseYuan(string? text) =>
        LianDong.Domain.Money.TryParse(text, out var m) && m.Fen >= 0 && !text!.TrimStart().StartsWith('-') ? m.Fen : null;
}
