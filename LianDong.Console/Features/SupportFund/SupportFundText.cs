using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.SupportFund;

/// <summary>
/// The support fund page's words: SupportFundText.resx (Chinese, the default) and SupportFundText.en.resx. Components
/// read them through <c>IStringLocalizer&lt;SupportFundText&gt;</c>; the page service through <see cref="Get"/>.
/// </summary>
public sealed class SupportFundText
{
    private static readonly ResourceManager Strings = new(typeof(SupportFundText).FullName!, typeof(SupportFundText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);
}
