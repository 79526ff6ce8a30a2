namespace LianDong.Domain.Engine;

/// <summary>The platform time zone (set once, Asia/Shanghai) and the local-date arithmetic the rules use.</summary>
public static class PlatformTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(Rules.RuleParameters.PlatformTimeZone);

    /// <summary>The local date of an instant: an entry's posting date, a task deadline's date.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>An instant as the clerk reads it: local time in the platform zone, e.g. "2026-12-10 08:00 (Asia/Shanghai)".</summary>
    public static string LocalText(DateTimeOffset instant) =>
        $"{TimeZoneInfo.ConvertTime(instant, Zone):yyyy-MM-dd HH:mm} ({Rules.RuleParameters.PlatformTimeZone})";

    /// <summary>The instant local day <paramref name="date"/> ends (= the next local day starts): where its nightly run stands.</summary>
    public static DateTimeOffset EndOfLocalDay(DateOnly date)
    {
        var localMidnight = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(localMidnight, Zone.GetUtcOffset(localMidnight)).ToUniversalTime();
    }
}
