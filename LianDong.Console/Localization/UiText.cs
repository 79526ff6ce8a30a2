using System.Globalization;

[assembly: System.Resources.NeutralResourcesLanguage(LianDong.Console.Localization.UiCulture.Chinese)]

namespace LianDong.Console.Localization;

/// <summary>
/// The console's shared words (menu, ranks, entry kinds and statuses, buttons, counts): UiText.resx holds the Chinese
/// (the default language), UiText.en.resx the English. Components read them through <c>IStringLocalizer&lt;UiText&gt;</c>;
/// code that is not a component (Display, exports, services' messages) through <c>Get</c>. Both follow
/// <see cref="CultureInfo.CurrentUICulture"/>, which the request (and so the circuit) takes from the language cookie.
/// </summary>
public sealed class UiText : FeatureText<UiText>
{
    /// <summary>"1 member", "2 members", "1,234 名会员": the noun is a Count.&lt;Noun&gt;.One/Other pair.</summary>
    public static string Count(string noun, long n) => Format($"Count.{noun}.{(n == 1 ? "One" : "Other")}", n.ToString("N0", CultureInfo.InvariantCulture));
}
