using System.Globalization;
using System.Resources;

[assembly: NeutralResourcesLanguage(LianDong.Console.Localization.UiCulture.Chinese)]

namespace LianDong.Console.Localization;

/// <summary>
/// The console's shared words (menu, ranks, entry kinds and statuses, buttons, counts): UiText.resx holds the Chinese
/// (the default language), UiText.en.resx the English. Components read them through <c>IStringLocalizer&lt;UiText&gt;</c>;
/// code that is not a component (Display, exports, services' messages) through <see cref="Get"/>. Both follow
/// <see cref="CultureInfo.CurrentUICulture"/>, which the request (and so the circuit) takes from the language cookie.
/// </summary>
public sealed class UiText
{
    private static readonly ResourceManager Strings = new(typeof(UiText).FullName!, typeof(UiText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);

    /// <summary>"1 member", "2 members", "1,234 名会员": the noun is a Count.&lt;Noun&gt;.One/Other pair.</summary>
    public static string Count(string noun, long n) => Format($"Count.{noun}.{(n == 1 ? "One" : "Other")}", n.ToString("N0", CultureInfo.InvariantCulture));
}
