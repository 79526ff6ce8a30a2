using System.Globalization;
using LianDong.Domain.Engine;

namespace LianDong.Console.Features.Shared;

/// <summary>Display of fen as ¥ with two decimals, and of instants in the platform time zone.</summary>
public static class Money
{
    public static string Yuan(long fen) =>
        (fen < 0 ? "-¥" : "¥") + (Math.Abs(fen) / 100).ToString("N0", CultureInfo.InvariantCulture) + "." + (Math.Abs(fen) % 100).ToString("D2", CultureInfo.InvariantCulture);

    public static string Local(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, PlatformTime.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string YuanInput(long fen) => $"{fen / 100}.{fen % 100:D2}";
}
